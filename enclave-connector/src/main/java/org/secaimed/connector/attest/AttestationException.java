package org.secaimed.connector.attest;

/** Base of every typed attestation error: bad evidence bytes, bad policy, bad trust input. */
public class AttestationException extends Exception {
  public AttestationException(String message) {
    super(message);
  }

  public AttestationException(String message, Throwable cause) {
    super(message, cause);
  }
}
