package org.secaimed.dicom.dimse;

/** An Application Entity title that DICOM does not allow; the message names the role and the rule broken. */
public final class InvalidAeTitleException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidAeTitleException(String message) {
    super(message);
  }
}
