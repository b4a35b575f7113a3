package org.secaimed.connector.tlog;

import org.secaimed.connector.SecaimedFailure;

/** A transparency-log proof, checkpoint or signature did not verify. The message names the step. */
public final class LogProofException extends Exception implements SecaimedFailure {
  private static final long serialVersionUID = 1L;

  public LogProofException(String message) {
    super(message);
  }

  public LogProofException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public String code() {
    return "LOG_PROOF_INVALID";
  }
}
