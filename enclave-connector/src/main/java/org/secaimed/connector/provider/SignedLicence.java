package org.secaimed.connector.provider;

import static org.secaimed.connector.party.RequestRefusedException.Rule.LICENCE_INVALID;

import java.util.Base64;
import org.secaimed.connector.party.PartyKey;
import org.secaimed.connector.party.PartyPublicKey;
import org.secaimed.connector.party.RequestRefusedException;
import org.secaimed.connector.receipt.DsseEnvelope;

/**
 * A {@link UsageLicence} signed by its provider, exactly as sites sign their usage policies: the
 * canonical licence bytes (base64), the provider's public key and an Ed25519 signature over
 * {@code PAE("application/vnd.secaimed.usage-licence.v1", licence)} (DSSE pre-authentication encoding).
 */
public record SignedLicence(String licence, String providerKey, String signature) {
  public static final String PAYLOAD_TYPE = "application/vnd.secaimed.usage-licence.v1";

  /** Signs {@code licence}; the key must be the licence's provider. */
  public static SignedLicence sign(UsageLicence licence, PartyKey provider) {
    if (!provider.id().equals(licence.provider())) throw new IllegalArgumentException("only the licence's provider signs it");
    byte[] bytes = licence.encoded();
    return new SignedLicence(Base64.getEncoder().encodeToString(bytes), provider.publicKey().encoded(),
        Base64.getEncoder().encodeToString(provider.sign(DsseEnvelope.pae(PAYLOAD_TYPE, bytes))));
  }

  /** Verifies the signature and that the signer is the provider the licence names; returns the licence. */
  public UsageLicence verify() throws RequestRefusedException {
    byte[] bytes;
    byte[] sig;
    PartyPublicKey key;
    try {
      bytes = Base64.getDecoder().decode(nonNull(licence, "licence"));
      sig = Base64.getDecoder().decode(nonNull(signature, "signature"));
      key = PartyPublicKey.parse(providerKey);
    } catch (IllegalArgumentException e) {
      throw new RequestRefusedException(LICENCE_INVALID, "signed usage licence: " + e.getMessage());
    }
    if (!key.verify(DsseEnvelope.pae(PAYLOAD_TYPE, bytes), sig)) {
      throw new RequestRefusedException(LICENCE_INVALID, "the usage licence's signature does not verify under the key it names");
    }
    UsageLicence l = UsageLicence.parse(bytes);
    if (!l.provider().equals(key.id())) {
      throw new RequestRefusedException(LICENCE_INVALID, "the usage licence was signed by another party than its provider");
    }
    return l;
  }

  private static String nonNull(String s, String field) {
    if (s == null) throw new IllegalArgumentException("field '" + field + "' is missing");
    return s;
  }
}
