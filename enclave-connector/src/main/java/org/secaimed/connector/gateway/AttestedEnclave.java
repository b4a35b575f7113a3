package org.secaimed.connector.gateway;

import java.security.PublicKey;
import java.time.Instant;
import java.util.Optional;
import org.secaimed.connector.attest.AttestationOutcome;
import org.secaimed.connector.seal.KemPublicKey;

/**
 * A gateway whose evidence passed verification and the site policy, with the keys that evidence
 * binds. Only {@link GatewaySession#attest()} creates one, so holding it means "data may be sealed
 * to {@link #kemKey()}" — until {@link #validUntil()}.
 */
public final class AttestedEnclave {
  private final AttestationOutcome outcome;
  private final KemPublicKey kemKey;
  private final PublicKey signingKey;
  private final String measurement;
  private final Instant validUntil;

  AttestedEnclave(AttestationOutcome outcome, KemPublicKey kemKey, PublicKey signingKey, String measurement, Instant validUntil) {
    this.outcome = outcome;
    this.kemKey = kemKey;
    this.signingKey = signingKey;
    this.measurement = measurement;
    this.validUntil = validUntil;
  }

  public AttestationOutcome outcome() {
    return outcome;
  }

  public KemPublicKey kemKey() {
    return kemKey;
  }

  public PublicKey signingKey() {
    return signingKey;
  }

  /** The enclave code measurement from the evidence (hex), when the format reports one. */
  public Optional<String> measurement() {
    return Optional.ofNullable(measurement);
  }

  public String evidenceDigest() {
    return outcome.evidenceDigest();
  }

  public String policyDigest() {
    return outcome.policyDigest();
  }

  public boolean insecure() {
    return outcome.insecure();
  }

  public Instant validUntil() {
    return validUntil;
  }
}
