package org.secaimed.enclave.server.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** A task as persisted in {@code tasks/<id>.json} and reported by {@code GET /v1/tasks/{id}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskRecord(String taskId, String state, Double progress, String message, String createdAt, String finishedAt,
    Request request, Error error, String submitter) {

  /** {@code purpose}: protocol v2, the purpose every input's usage policy must allow. */
  public record Request(String kind, AlgorithmRef algorithm, List<String> inputs, Map<String, String> parameters, KemKey recipient,
      AttestationContext attestation, String purpose) {}

  public record AlgorithmRef(String id, String version, String digest) {}

  public record KemKey(String suite, String publicKey) {}

  public record AttestationContext(String evidenceDigest, String policyDigest) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Error(String type, String title, int status, String detail) {}

  public TaskRecord with(String newState, Double newProgress, String newMessage, String newFinishedAt, Error newError) {
    return new TaskRecord(taskId, newState, newProgress, newMessage, createdAt, newFinishedAt, request, newError, submitter);
  }

  public boolean finished() {
    return "succeeded".equals(state) || "failed".equals(state) || "cancelled".equals(state);
  }
}
