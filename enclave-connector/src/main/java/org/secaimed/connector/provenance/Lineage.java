package org.secaimed.connector.provenance;

import java.util.List;
import java.util.Map;

/**
 * A model's verified lineage (docs/provenance.md): how it was trained, on whose data under which
 * policies, in which enclave, and every later use — each fact from a receipt or policy that
 * verified under the attested key (or its owner's key) and whose receipt is proven in the log.
 */
public record Lineage(
    String modelId,
    String modelDigest,
    String modelPolicyDigest,
    List<String> modelPurposes,
    String modelNotAfter,
    List<Task> training,
    String baseModel,
    List<Contributor> contributors,
    Algorithm algorithm,
    Enclave enclave,
    List<Task> uses,
    Log log,
    Map<String, String> modelFiles) {

  public Lineage {
    modelPurposes = List.copyOf(modelPurposes);
    training = List.copyOf(training);
    contributors = List.copyOf(contributors);
    uses = List.copyOf(uses);
    modelFiles = Map.copyOf(modelFiles);
  }

  /**
   * A contributing party. {@code instanceCount} comes from the receipt; {@code ownInstances} is
   * non-null only for this site's own inputs checked against its manifests (UID → SHA-256); the
   * others are known only by their {@code commitments}.
   */
  public record Contributor(String party, boolean own, List<String> policyDigests, List<String> purposes, List<String> taskKinds,
      String notAfter, int maxUses, List<String> blobs, int studies, int instances, List<String> commitments,
      Map<String, String> ownInstances) {}

  /** A task in the log: training or a later use (segmentation, evaluation, fine-tuning). */
  public record Task(String taskId, String kind, String party, String startedAt, String finishedAt, String outcomeDigest,
      long leafIndex) {}

  public record Algorithm(String id, String version, String digest) {}

  public record Enclave(String platform, String measurement, boolean insecure) {}

  /** The checkpoint everything was proven against and whether it was proven consistent with the pinned one. */
  public record Log(String origin, long treeSize, String rootHash, boolean consistencyChecked, Long pinnedSize) {}
}
