package org.secaimed.connector.gateway;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.secaimed.connector.receipt.TaskReceipt;

/**
 * A task to submit. {@code instanceManifests} maps an input blob id to the per-instance SHA-256
 * (SOP Instance UID → hex) the site computed while sealing it; the receipt must name the same.
 */
public record TaskSpec(String kind, TaskReceipt.Algorithm algorithm, List<String> inputBlobIds, Map<String, String> parameters,
    Map<String, Map<String, String>> instanceManifests) {

  public TaskSpec {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(algorithm, "algorithm");
    if (inputBlobIds == null || inputBlobIds.isEmpty()) throw new IllegalArgumentException("a task needs at least one input blob");
    inputBlobIds = List.copyOf(inputBlobIds);
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    instanceManifests = instanceManifests == null ? Map.of() : Map.copyOf(instanceManifests);
  }
}
