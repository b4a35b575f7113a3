package org.secaimed.connector.receipt;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.secaimed.connector.attest.AttestationOutcome;
import org.secaimed.connector.attest.AttestedKeys;
import org.secaimed.connector.attest.EnclaveAttestation;
import org.secaimed.connector.attest.validate.Policy;

/**
 * Anchors an offline receipt in attested hardware. A bundle's signature and log proofs only show
 * that <em>some</em> key signed it; anyone can mint a key. The bundle's evidence is therefore
 * re-verified under the auditor's policy at the recorded attestation time, and must bind the very
 * key that signed the receipt, with the receipt naming that evidence's digest.
 */
public final class ReceiptAnchor {
  private ReceiptAnchor() {}

  /** How the receipt is tied to hardware. */
  public record Anchored(AttestationOutcome outcome, boolean samePolicyAsRun) {}

  public static Anchored verify(ReceiptBundle bundle, TaskReceipt receipt, Policy policy, Instant now) throws ReceiptException {
    AttestationOutcome outcome = anchorKey(bundle.attestation(), bundle.signingPublicKey(), policy, now);
    TaskReceipt.Attestation claimed = receipt.attestation();
    if (claimed == null || !outcome.evidenceDigest().equals(claimed.evidenceDigest())) {
      throw new ReceiptException(ReceiptException.Reason.ATTESTATION, "the receipt names evidence "
          + (claimed == null ? "(none)" : claimed.evidenceDigest()) + ", but the kept evidence digests to " + outcome.evidenceDigest());
    }
    if (receipt.enclave() != null && receipt.enclave().insecure() != outcome.insecure()) {
      throw new ReceiptException(ReceiptException.Reason.ATTESTATION, "the receipt's 'insecure' flag contradicts the evidence");
    }
    return new Anchored(outcome, policy.digest().equals(claimed.policyDigest()));
  }

  /**
   * The kept attestation, re-verified under {@code policy} at its recorded time, binds the signing
   * key {@code signingPublicKey} (base64 SPKI): anything that key signed was signed inside an
   * enclave the policy accepts. Used for receipts and for provenance evidence.
   */
  public static AttestationOutcome anchorKey(AttestationRecord rec, String signingPublicKey, Policy policy, Instant now) throws ReceiptException {
    if (rec == null) {
      throw new ReceiptException(ReceiptException.Reason.UNANCHORED,
          "the bundle keeps no attestation evidence, so nothing ties its signing key to an enclave");
    }
    Instant at = rec.instant();
    if (at.isAfter(now)) throw new ReceiptException(ReceiptException.Reason.ATTESTATION, "attestation time " + at + " is in the future");
    AttestedKeys keys = rec.attestedKeys();
    AttestationOutcome outcome = new EnclaveAttestation().attest(rec.evidenceList(), keys, rec.nonceBytes(), policy,
        Clock.fixed(at, ZoneOffset.UTC));
    if (!outcome.accepted()) {
      throw new ReceiptException(ReceiptException.Reason.ATTESTATION, "the kept evidence is not accepted under policy '" + policy.name()
          + "' at " + at + ": " + outcome.failedCheck().map(c -> c.line()).orElse("no checks ran"));
    }
    byte[] signer;
    try {
      signer = Base64.getDecoder().decode(signingPublicKey);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ReceiptException(ReceiptException.Reason.MALFORMED, "signingPublicKey: not base64");
    }
    if (!MessageDigest.isEqual(signer, keys.signingPublicKey())) {
      throw new ReceiptException(ReceiptException.Reason.ATTESTATION, "the receipt is signed by a key the attested evidence does not bind");
    }
    return outcome;
  }
}
