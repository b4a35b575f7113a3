package org.secaimed.kaapana.airflow;

import org.secaimed.connector.SecaimedFailure;
import java.io.IOException;

/** An Airflow REST call failed; names the operation and carries Airflow's problem detail. */
public final class AirflowException extends IOException implements SecaimedFailure {
  private static final long serialVersionUID = 1L;
  private final int httpStatus;

  public AirflowException(String operation, int httpStatus, String detail, Throwable cause) {
    super(operation + (httpStatus > 0 ? " → HTTP " + httpStatus : " failed") + (detail == null || detail.isBlank() ? "" : ": " + detail), cause);
    this.httpStatus = httpStatus;
  }

  /** The HTTP status, or 0 when no response arrived. */
  public int httpStatus() {
    return httpStatus;
  }

  @Override
  public String code() {
    return "AIRFLOW_FAILED";
  }
}
