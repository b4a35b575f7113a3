package org.secaimed.connector.receipt;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the site submitted and received, to hold a receipt against. {@code instances} maps each
 * input blob id to the per-instance SHA-256 manifest the site computed while sealing (may be
 * empty when the payload carries no DICOM instances, e.g. a model reference).
 */
public record ExpectedTask(
    String taskId,
    String kind,
    TaskReceipt.Algorithm algorithm,
    List<String> inputBlobIds,
    Map<String, Map<String, String>> instances,
    Map<String, String> parameters,
    String recipientKeyId,
    TaskReceipt.Attestation attestation,
    String measurement,
    String sealedResultSha256) {

  public ExpectedTask {
    Objects.requireNonNull(taskId, "taskId");
    inputBlobIds = List.copyOf(inputBlobIds);
    instances = instances == null ? Map.of() : Map.copyOf(instances);
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
  }

  /** Throws {@link ReceiptException.Reason#MISMATCH} naming the first field that differs. */
  public void requireMatchedBy(TaskReceipt r) throws ReceiptException {
    same("taskId", taskId, r.taskId());
    same("kind", kind, r.kind());
    same("algorithm", algorithm, r.algorithm());
    same("inputs", inputBlobIds, r.inputs().stream().map(TaskReceipt.Input::blobId).toList());
    for (TaskReceipt.Input in : r.inputs()) {
      Map<String, String> mine = instances.get(in.blobId());
      if (mine != null) same("inputs[" + in.blobId() + "].instances", mine, in.instances());
    }
    same("parameters", parameters, r.parameters());
    same("recipientKeyId", recipientKeyId, r.recipientKeyId());
    same("attestation", attestation, r.attestation());
    if (measurement != null) same("enclave.measurement", measurement, r.enclave().measurement());
    if (sealedResultSha256 != null) same("outputs[result.sealed]", sealedResultSha256, r.outputDigest("result.sealed"));
  }

  private static void same(String field, Object expected, Object actual) throws ReceiptException {
    if (!Objects.equals(expected, actual)) {
      throw new ReceiptException(ReceiptException.Reason.MISMATCH, "receipt field " + field + " does not match what was submitted/received");
    }
  }
}
