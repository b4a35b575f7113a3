package org.secaimed.connector.receipt;

import org.secaimed.connector.SecaimedFailure;

/** A receipt failed verification; {@link #reason()} says which step, the message says what. */
public final class ReceiptException extends Exception implements SecaimedFailure {
  private static final long serialVersionUID = 1L;

  public enum Reason {
    /** Not a well-formed DSSE envelope or in-toto statement. */
    MALFORMED,
    /** No signature verifies under the attested signing key. */
    SIGNATURE,
    /** The statement does not describe what the site submitted or received. */
    MISMATCH,
    /** The receipt is not provably in the transparency log, or the log is inconsistent. */
    LOG,
    /** Nothing ties the signing key to attested hardware (no evidence kept, or no policy to judge it). */
    UNANCHORED,
    /** The kept evidence is not accepted, or does not bind the key that signed the receipt. */
    ATTESTATION
  }

  private final Reason reason;

  public ReceiptException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  public ReceiptException(Reason reason, String message, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  @Override
  public String code() {
    return reason.name();
  }
}
