package org.secaimed.connector.provenance;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.secaimed.connector.receipt.ReceiptException;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.tlog.Checkpoint;

/**
 * Verifies what the enclave says was done with one of this site's inputs ({@link InputUsesReport})
 * and returns one {@link Use} per task: the same log discipline as a model's provenance (checkpoint,
 * consistency with the pinned one, signed index, each receipt signed and included, nothing unlisted).
 */
public final class InputUses {
  private InputUses() {}

  /**
   * A task that used the input: under which policy (digest, which use of how many), when, by whom,
   * and what came out (the result digest; for training, the model it produced).
   */
  public record Use(String taskId, String kind, String party, String policyDigest, Long useNumber, Integer maxUses, String startedAt,
      String finishedAt, String outcomeDigest, String modelProduced, String modelUsed, long leafIndex, TaskReceipt.Algorithm algorithm,
      LicensedModel licensedModel) {}

  /**
   * The task ran an algorithm provider's published model (issue #15) under its usage licence:
   * the licence digest, the provider's party id, the model's digest and which run of the licence
   * this was, all from the enclave-signed receipt.
   */
  public record LicensedModel(String licenceDigest, String provider, String modelDigest, long run, int maxRuns) {
    static LicensedModel of(TaskReceipt.Licence l) {
      return l == null ? null : new LicensedModel(l.digest(), l.provider(), l.modelDigest(), l.run(), l.maxRuns());
    }
  }

  public record Verified(String blobId, List<Use> uses, Lineage.Log log) {}

  public static Verified verify(InputUsesReport report, PublicKey key, String pinnedCheckpoint, List<String> consistencyProof, String owner)
      throws ProvenanceException {
    ModelProvenanceVerifier.LogState log = ModelProvenanceVerifier.log(report.checkpoint(), key, pinnedCheckpoint, consistencyProof);
    InputUsesIndex index;
    try {
      index = InputUsesIndex.open(report.index(), key);
    } catch (ReceiptException e) {
      throw new ProvenanceException(e.reason() == ReceiptException.Reason.SIGNATURE ? ProvenanceException.Step.SIGNATURE
          : ProvenanceException.Step.MALFORMED, "input uses index", e.getMessage(), e);
    }
    Checkpoint cp = log.checkpoint();
    if (!index.blobId().equals(report.blobId()) || index.treeSize() != cp.size() || !index.owner().equals(owner)) {
      throw new ProvenanceException(ProvenanceException.Step.MISMATCH, "input uses index", "is for another input, owner or log size");
    }
    Map<String, TaskReceipt> receipts = ModelProvenanceVerifier.receipts(report.entries(), index.items(), key, cp);
    List<Use> uses = new ArrayList<>();
    for (ProvenanceIndex.Item item : index.items()) {
      TaskReceipt r = receipts.get(item.taskId());
      TaskReceipt.Input in = r.inputs().stream().filter(i -> i.blobId().equals(report.blobId())).findFirst().orElseThrow(() ->
          new ProvenanceException(ProvenanceException.Step.MISMATCH, "task " + item.taskId(), "its receipt does not name input " + report.blobId()));
      if (!owner.equals(in.owner())) {
        throw new ProvenanceException(ProvenanceException.Step.MISMATCH, "task " + item.taskId(), "names another owner for input " + report.blobId());
      }
      String produced = r.outputs().stream().map(TaskReceipt.Output::name).filter(n -> n.startsWith("model:")).map(n -> n.substring(6))
          .findFirst().orElse(null);
      uses.add(new Use(r.taskId(), r.kind(), item.submitter(), in.policyDigest(), in.useNumber(), in.maxUses(), r.startedAt(), r.finishedAt(),
          r.outputDigest("result"), produced, r.parameters().get("model"), item.leafIndex(), r.algorithm(), LicensedModel.of(r.licence())));
    }
    return new Verified(report.blobId(), uses, log.lineageLog());
  }
}
