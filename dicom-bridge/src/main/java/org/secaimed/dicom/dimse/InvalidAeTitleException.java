package org.secaimed.dicom.dimse;

import org.secaimed.connector.SecaimedFailure;

/** An Application Entity title that DICOM does not allow; the message names the role and the rule broken. */
public final class InvalidAeTitleException extends IllegalArgumentException implements SecaimedFailure {
  private static final long serialVersionUID = 1L;

  public InvalidAeTitleException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "INVALID_AE_TITLE";
  }
}
