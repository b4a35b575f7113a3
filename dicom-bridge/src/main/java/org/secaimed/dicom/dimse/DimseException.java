package org.secaimed.dicom.dimse;

import org.secaimed.connector.SecaimedFailure;
import java.io.IOException;

/** A DIMSE operation failed: the message names the operation, the peer and the DICOM status when there is one. */
public final class DimseException extends IOException implements SecaimedFailure {
  private static final long serialVersionUID = 1L;

  private final String operation;
  private final Integer status;

  public DimseException(String operation, DimsePeer peer, Integer status, String message, Throwable cause) {
    super(operation + " " + peer + ": " + message + (status == null ? "" : String.format(" (status 0x%04X)", status)), cause);
    this.operation = operation;
    this.status = status;
  }

  public String operation() {
    return operation;
  }

  /** The DIMSE status word, or null when the failure happened before a response (association, network). */
  public Integer status() {
    return status;
  }

  @Override
  public String code() {
    return "DIMSE_FAILED";
  }
}
