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
    String sealedResultSha256,
    Owner owner) {

  /**
   * Protocol v2: the site's party id and how to get its commitment key for a blob; its own
   * inputs must then name it as owner, be allowed, and carry a commitment (no UID list) that
   * matches its manifest.
   */
  public record Owner(String partyId, java.util.function.Function<String, byte[]> commitmentKey) {}

  /** A protocol v1 expectation (no parties, receipts list instances). */
  public ExpectedTask(String taskId, String kind, TaskReceipt.Algorithm algorithm, List<String> inputBlobIds,
      Map<String, Map<String, String>> instances, Map<String, String> parameters, String recipientKeyId,
      TaskReceipt.Attestation attestation, String measurement, String sealedResultSha256) {
    this(taskId, kind, algorithm, inputBlobIds, instances, parameters, recipientKeyId, attestation, measurement, sealedResultSha256, null);
  }

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
      if (owner != null) {
        requireOwnInput(in, mine);
      } else if (mine != null) {
        same("inputs[" + in.blobId() + "].instances", mine, in.instances());
      }
    }
    same("parameters", parameters, r.parameters());
    same("recipientKeyId", recipientKeyId, r.recipientKeyId());
    same("attestation", attestation, r.attestation());
    if (measurement != null) same("enclave.measurement", measurement, r.enclave().measurement());
    if (sealedResultSha256 != null) same("outputs[result.sealed]", sealedResultSha256, r.outputDigest("result.sealed"));
    if (r.licence() != null) requireLicenceConsistent(r.licence(), r.algorithm());
  }

  /**
   * A provider's model ran under a licence: the unwrapped model is the algorithm the site asked
   * for, and the use numbers lie within the licence's maxima (the provider's audit checks the rest).
   */
  private static void requireLicenceConsistent(TaskReceipt.Licence l, TaskReceipt.Algorithm algorithm) throws ReceiptException {
    same("licence.modelDigest", algorithm.digest(), l.modelDigest());
    if (l.digest() == null || !l.digest().matches("[0-9a-f]{64}") || l.run() < 1 || l.run() > l.maxRuns() || l.siteRun() < 1
        || l.siteRun() > l.maxRunsPerSite() || l.siteRun() > l.run() || l.useLeafIndex() < 0) {
      throw new ReceiptException(ReceiptException.Reason.MISMATCH, "receipt field licence names use " + l.run() + " (site use " + l.siteRun()
          + ") of a licence allowing " + l.maxRuns() + " (" + l.maxRunsPerSite() + " per site): not a use the licence allows");
    }
  }

  private void requireOwnInput(TaskReceipt.Input in, Map<String, String> manifest) throws ReceiptException {
    String field = "inputs[" + in.blobId() + "]";
    if (!in.instances().isEmpty()) {
      throw new ReceiptException(ReceiptException.Reason.MISMATCH, "receipt field " + field + ".instances lists instance UIDs (protocol v2 receipts must not)");
    }
    // A co-contributor's input: only its blob id, owner id and commitment are visible to this site.
    if (manifest == null && !owner.partyId().equals(in.owner())) return;
    same(field + ".owner", owner.partyId(), in.owner());
    same(field + ".decision", "allowed", in.decision());
    if (in.policyDigest() == null || in.useNumber() == null || in.maxUses() == null || in.useNumber() > in.maxUses()) {
      throw new ReceiptException(ReceiptException.Reason.MISMATCH, "receipt field " + field + " lacks its usage policy digest or use count");
    }
    if (manifest != null) {
      byte[] k = owner.commitmentKey().apply(in.blobId());
      same(field + ".instancesCommitment", InstanceCommitments.commit(k, manifest), in.instancesCommitment());
      java.util.Arrays.fill(k, (byte) 0);
    }
  }

  private static void same(String field, Object expected, Object actual) throws ReceiptException {
    if (!Objects.equals(expected, actual)) {
      throw new ReceiptException(ReceiptException.Reason.MISMATCH, "receipt field " + field + " does not match what was submitted/received");
    }
  }
}
