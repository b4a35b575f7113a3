package org.secaimed.connector.party;

import static org.secaimed.connector.party.RequestRefusedException.Rule.POLICY_INVALID;

import java.util.Base64;
import org.secaimed.connector.receipt.DsseEnvelope;

/**
 * A {@link UsagePolicy} signed by its owner: the canonical policy bytes (base64), the owner's
 * public key and an Ed25519 signature over {@code PAE("application/vnd.secaimed.usage-policy.v1", policy)}.
 * This is what travels beside a sealed input; its digest is bound inside the archive.
 */
public record SignedPolicy(String policy, String ownerKey, String signature) {
  static final String PAYLOAD_TYPE = "application/vnd.secaimed.usage-policy.v1";

  /** Signs {@code policy}; the key must be the policy's owner. */
  public static SignedPolicy sign(UsagePolicy policy, PartyKey owner) {
    if (!owner.id().equals(policy.owner())) throw new IllegalArgumentException("only the policy's owner signs it");
    byte[] bytes = policy.encoded();
    return new SignedPolicy(Base64.getEncoder().encodeToString(bytes), owner.publicKey().encoded(),
        Base64.getEncoder().encodeToString(owner.sign(DsseEnvelope.pae(PAYLOAD_TYPE, bytes))));
  }

  /** Verifies the owner's signature and that the signer is the owner the policy names; returns the policy. */
  public UsagePolicy verify() throws RequestRefusedException {
    byte[] bytes;
    byte[] sig;
    PartyPublicKey key;
    try {
      bytes = Base64.getDecoder().decode(nonNull(policy, "policy"));
      sig = Base64.getDecoder().decode(nonNull(signature, "signature"));
      key = PartyPublicKey.parse(ownerKey);
    } catch (IllegalArgumentException e) {
      throw new RequestRefusedException(POLICY_INVALID, "signed usage policy: " + e.getMessage());
    }
    if (!key.verify(DsseEnvelope.pae(PAYLOAD_TYPE, bytes), sig)) {
      throw new RequestRefusedException(POLICY_INVALID, "the usage policy's signature does not verify under the key it names");
    }
    UsagePolicy p = UsagePolicy.parse(bytes);
    if (!p.owner().equals(key.id())) {
      throw new RequestRefusedException(POLICY_INVALID, "the usage policy was signed by " + key + ", not by its owner");
    }
    return p;
  }

  private static String nonNull(String s, String field) {
    if (s == null) throw new IllegalArgumentException("field '" + field + "' is missing");
    return s;
  }
}
