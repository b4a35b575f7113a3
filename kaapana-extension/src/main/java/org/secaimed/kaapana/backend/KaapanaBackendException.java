package org.secaimed.kaapana.backend;

import org.secaimed.connector.SecaimedFailure;
import java.io.IOException;

/** A call to kaapana-backend or the access-information-interface failed; names the request. */
public final class KaapanaBackendException extends IOException implements SecaimedFailure {
  private static final long serialVersionUID = 1L;
  private final int httpStatus;

  public KaapanaBackendException(String request, int httpStatus, String detail, Throwable cause) {
    super(request + (httpStatus > 0 ? " → HTTP " + httpStatus : " failed") + (detail == null ? "" : ": " + detail), cause);
    this.httpStatus = httpStatus;
  }

  /** The HTTP status, or 0 when no response arrived. */
  public int httpStatus() {
    return httpStatus;
  }

  @Override
  public String code() {
    return "KAAPANA_BACKEND_FAILED";
  }
}
