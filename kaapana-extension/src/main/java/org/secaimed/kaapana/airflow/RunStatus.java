package org.secaimed.kaapana.airflow;

import java.time.OffsetDateTime;

/** A DAG run as Airflow reports it; {@code state} is queued, running, success or failed. */
public record RunStatus(String dagId, String runId, String state, OffsetDateTime startDate, OffsetDateTime endDate) {
  public boolean isFinal() {
    return "success".equals(state) || "failed".equals(state);
  }

  public boolean isSuccess() {
    return "success".equals(state);
  }
}
