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
    Map<String, Map<String, String>> instanceManifests, String purpose) {

  /** A task for the site's own use ({@link UsagePolicies#OWN_USE}), the purpose of the default usage policy. */
  public TaskSpec(String kind, TaskReceipt.Algorithm algorithm, List<String> inputBlobIds, Map<String, String> parameters,
      Map<String, Map<String, String>> instanceManifests) {
    this(kind, algorithm, inputBlobIds, parameters, instanceManifests, UsagePolicies.OWN_USE);
  }

  /** The same task for another purpose (which every input's usage policy must allow). */
  public TaskSpec withPurpose(String p) {
    return new TaskSpec(kind, algorithm, inputBlobIds, parameters, instanceManifests, p);
  }

  public TaskSpec {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(algorithm, "algorithm");
    if (inputBlobIds == null || inputBlobIds.isEmpty()) throw new IllegalArgumentException("a task needs at least one input blob");
    inputBlobIds = List.copyOf(inputBlobIds);
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    instanceManifests = instanceManifests == null ? Map.of() : Map.copyOf(instanceManifests);
  }
}
