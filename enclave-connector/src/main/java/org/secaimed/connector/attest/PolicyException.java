package org.secaimed.connector.attest;

/** A policy file that cannot be used: unreadable, unknown version, bad field. Names the field. */
public final class PolicyException extends AttestationException {
  public PolicyException(String message) {
    super(message);
  }

  public PolicyException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public String code() {
    return "INVALID_POLICY";
  }
}
