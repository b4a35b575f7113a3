package org.secaimed.connector.attest;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.secaimed.connector.attest.verify.VerifiedEvidence;

/**
 * The verdict on a gateway's attestation: every check that ran (verification, policy, key
 * binding), in order, and the digests a receipt records. {@link #accepted()} is true only when
 * no check failed; only then may data be sealed to {@link #keys()}.
 */
public final class AttestationOutcome {
  private final List<Check> checks;
  private final List<VerifiedEvidence> evidence;
  private final AttestedKeys keys;
  private final String evidenceDigest;
  private final String policyDigest;
  private final Instant at;
  private final List<Evidence> submitted;
  private final byte[] nonce;

  AttestationOutcome(List<Check> checks, List<VerifiedEvidence> evidence, AttestedKeys keys, String evidenceDigest,
      String policyDigest, Instant at, List<Evidence> submitted, byte[] nonce) {
    this.submitted = List.copyOf(submitted);
    this.nonce = nonce.clone();
    this.checks = List.copyOf(checks);
    this.evidence = List.copyOf(evidence);
    this.keys = keys;
    this.evidenceDigest = evidenceDigest;
    this.policyDigest = policyDigest;
    this.at = at;
  }

  public boolean accepted() {
    return !checks.isEmpty() && checks.stream().noneMatch(Check::failed);
  }

  /** The first check that failed, if any. */
  public Optional<Check> failedCheck() {
    return checks.stream().filter(Check::failed).findFirst();
  }

  public List<Check> checks() {
    return checks;
  }

  public List<VerifiedEvidence> evidence() {
    return evidence;
  }

  /** The keys the evidence binds; seal to them only when {@link #accepted()}. */
  public AttestedKeys keys() {
    return keys;
  }

  /** Hex SHA-256 over the canonical evidence encoding (docs/attestation.md). */
  public String evidenceDigest() {
    return evidenceDigest;
  }

  /** Hex SHA-256 of the policy text that judged the evidence. */
  public String policyDigest() {
    return policyDigest;
  }

  public Instant at() {
    return at;
  }

  /**
   * The evidence as verified, kept so an auditor can re-verify it later (receipt anchoring): as
   * the gateway sent it, or, when the site uses its own collateral, with the site's certificates
   * and collateral in place of the gateway's hints. {@link #evidenceDigest()} covers exactly this.
   */
  public List<Evidence> submitted() {
    return submitted;
  }

  /** This client's fresh nonce the evidence had to bind. */
  public byte[] nonce() {
    return nonce.clone();
  }

  /** Whether any accepted evidence is INSECURE (the dev enclave). */
  public boolean insecure() {
    return evidence.stream().anyMatch(VerifiedEvidence::insecure);
  }

  /** A short multi-line explanation for operators and data-protection officers. */
  public String explain() {
    String head = accepted()
        ? "ACCEPTED" + (insecure() ? " (INSECURE dev enclave)" : "")
        : "REJECTED: " + failedCheck().map(Check::line).orElse("no checks ran");
    return head + "\n" + checks.stream().map(c -> "  " + c.line()).collect(Collectors.joining("\n"));
  }
}
