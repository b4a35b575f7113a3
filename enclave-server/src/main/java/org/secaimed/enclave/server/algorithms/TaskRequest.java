package org.secaimed.enclave.server.algorithms;

import java.util.Map;
import java.util.Objects;

/**
 * A task as the gateway received it. {@code expectedDigest} is the algorithm digest the site pinned in
 * its request (POST /v1/tasks algorithm.digest); a mismatch with the catalogue fails closed. Parameter
 * values are JSON scalars (String, Number, Boolean).
 */
public record TaskRequest(TaskKind kind, String algorithmId, String version, String expectedDigest, Map<String, Object> parameters) {
  public TaskRequest {
    Objects.requireNonNull(kind, "kind");
    if (algorithmId == null || algorithmId.isBlank()) throw new IllegalArgumentException("algorithm id is required");
    if (version == null || version.isBlank()) throw new IllegalArgumentException("algorithm version is required");
    if (parameters == null) parameters = Map.of();
    for (Map.Entry<String, Object> e : parameters.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) throw new IllegalArgumentException("parameter " + e.getKey() + " has no value");
    }
    parameters = Map.copyOf(parameters);
  }
}
