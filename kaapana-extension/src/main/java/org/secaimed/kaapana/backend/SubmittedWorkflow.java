package org.secaimed.kaapana.backend;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** What {@code POST /client/workflow} answers: the generated id and the full workflow name. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SubmittedWorkflow(
    @JsonProperty("workflow_id") String workflowId,
    @JsonProperty("workflow_name") String workflowName,
    @JsonProperty("username") String username) {
  public SubmittedWorkflow {
    if (workflowName == null || workflowName.isBlank()) throw new IllegalArgumentException("backend answer lacks workflow_name");
  }
}
