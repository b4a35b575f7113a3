package org.secaimed.connector.gateway;

/** The gateway's attestation did not pass verification and policy (or has expired); nothing was sent. */
public final class AttestationRefusedException extends GatewayException {
  private static final long serialVersionUID = 1L;
  private final String failedCheck;

  public AttestationRefusedException(String failedCheck, String explanation) {
    super("attestation refused: " + explanation);
    this.failedCheck = failedCheck;
  }

  /** The id of the first failed check (e.g. {@code policy.insecure-dev-enclave}), or a session step. */
  public String failedCheck() {
    return failedCheck;
  }

  @Override
  public String code() {
    return "ATTESTATION_REFUSED";
  }
}
