package org.secaimed.connector.attest;

import org.secaimed.connector.SecaimedFailure;

/** Base of every typed attestation error: bad evidence bytes, bad policy, bad trust input. */
public class AttestationException extends Exception implements SecaimedFailure {
  public AttestationException(String message) {
    super(message);
  }

  public AttestationException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public String code() {
    return "ATTESTATION_FAILED";
  }
}
