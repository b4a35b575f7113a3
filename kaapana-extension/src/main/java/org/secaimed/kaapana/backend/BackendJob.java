package org.secaimed.kaapana.backend;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One job of a workflow as {@code GET /client/jobs} lists it (one DAG run per job). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackendJob(
    @JsonProperty("id") long id,
    @JsonProperty("status") String status,
    @JsonProperty("dag_id") String dagId,
    @JsonProperty("run_id") String runId,
    @JsonProperty("description") String description) {

  /** Backend job states that will not change any more. */
  public boolean isFinal() {
    return "finished".equals(status) || "failed".equals(status) || "deleted".equals(status);
  }

  public boolean isSuccess() {
    return "finished".equals(status);
  }
}
