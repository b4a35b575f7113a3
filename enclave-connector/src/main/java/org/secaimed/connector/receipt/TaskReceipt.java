package org.secaimed.connector.receipt;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The predicate of a task receipt ({@value #PREDICATE_TYPE}): what ran, in which enclave, on
 * which inputs, for whom, and what came out. The enclave fills it; the site checks every field
 * against what it submitted and received (see {@link ReceiptVerifier}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskReceipt(
    String taskId,
    String kind,
    Algorithm algorithm,
    List<Input> inputs,
    Map<String, String> parameters,
    Enclave enclave,
    Attestation attestation,
    String recipientKeyId,
    String startedAt,
    String finishedAt,
    List<Output> outputs,
    Licence licence) {

  public static final String PREDICATE_TYPE = "https://secaimed.org/attestations/task-receipt/v1";

  public TaskReceipt {
    inputs = inputs == null ? List.of() : List.copyOf(inputs);
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
  }

  /** A receipt without a provider licence (every algorithm but a provider's published model). */
  public TaskReceipt(String taskId, String kind, Algorithm algorithm, List<Input> inputs, Map<String, String> parameters, Enclave enclave,
      Attestation attestation, String recipientKeyId, String startedAt, String finishedAt, List<Output> outputs) {
    this(taskId, kind, algorithm, inputs, parameters, enclave, attestation, recipientKeyId, startedAt, finishedAt, outputs, null);
  }

  public record Algorithm(String id, String version, String digest) {}

  /**
   * A provider's published model ran under a usage licence (issue #15): the licence digest, the
   * provider's party id, the model digest that was unwrapped, which use of the licence this was in
   * all ({@code run}) and by this site ({@code siteRun}) against the licence's maxima, and the log
   * index of the {@code licence-use} entry appended before the model was unwrapped.
   */
  public record Licence(String digest, String provider, String modelDigest, long run, long siteRun, int maxRuns, int maxRunsPerSite,
      long useLeafIndex) {}

  /**
   * One input blob. Protocol v1 listed the SHA-256 of every DICOM instance by SOP Instance UID
   * ({@code instances}, a membership oracle); v2 leaves it empty and names the owner's party id,
   * the usage policy digest, the decision, which use this was and the policy's maximum, and an
   * {@code instancesCommitment} only the owner can check ({@link InstanceCommitments}), and how
   * many instances the input held ({@code instanceCount}, for provenance: a count, not a list).
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Input(String blobId, Map<String, String> instances, String owner, String policyDigest, String decision,
      Long useNumber, Integer maxUses, String instancesCommitment, Integer instanceCount) {
    public Input {
      instances = instances == null ? Map.of() : Map.copyOf(instances);
    }

    /** A protocol v2 input without an instance count (receipts before provenance). */
    public Input(String blobId, Map<String, String> instances, String owner, String policyDigest, String decision,
        Long useNumber, Integer maxUses, String instancesCommitment) {
      this(blobId, instances, owner, policyDigest, decision, useNumber, maxUses, instancesCommitment, null);
    }

    /** A protocol v1 input. */
    public Input(String blobId, Map<String, String> instances) {
      this(blobId, instances, null, null, null, null, null, null, null);
    }
  }

  /** The enclave that ran the task: its code measurement and whether it is an insecure dev enclave. */
  public record Enclave(String platform, String measurement, boolean insecure) {}

  /** Echo of what the site verified before sending: the evidence digest and its policy digest. */
  public record Attestation(String evidenceDigest, String policyDigest) {}

  /** An output: {@code name} ("result.sealed" = the sealed bytes served, "result" = the plaintext). */
  public record Output(String name, String sha256) {}

  public String outputDigest(String name) {
    return outputs.stream().filter(o -> o.name().equals(name)).map(Output::sha256).findFirst().orElse(null);
  }
}
