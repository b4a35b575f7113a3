package org.secaimed.connector.provenance;

import static org.secaimed.connector.provenance.ProvenanceException.Step.CHECKPOINT;
import static org.secaimed.connector.provenance.ProvenanceException.Step.CONSISTENCY;
import static org.secaimed.connector.provenance.ProvenanceException.Step.MALFORMED;
import static org.secaimed.connector.provenance.ProvenanceException.Step.MISMATCH;
import static org.secaimed.connector.provenance.ProvenanceException.Step.MISSING_ENTRY;
import static org.secaimed.connector.provenance.ProvenanceException.Step.SIGNATURE;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.secaimed.connector.receipt.ReceiptException;
import org.secaimed.connector.receipt.ReceiptVerifier;
import org.secaimed.connector.receipt.Receipts;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.tlog.Checkpoint;
import org.secaimed.connector.tlog.Ed25519;
import org.secaimed.connector.tlog.LogProofException;
import org.secaimed.connector.tlog.MerkleProofs;
import org.secaimed.connector.tlog.SignedCheckpoints;

/**
 * Verifies a model's provenance ({@link ProvenanceEvidence}) and returns its {@link Lineage}. The
 * log first: the checkpoint under the attested key, consistency with the checkpoint the site
 * pinned, the enclave's signed index of the model's entries; then every receipt: its signature,
 * its inclusion, that it is exactly what the index lists; then the content ({@link LineageCheck}).
 * Any failure is a {@link ProvenanceException} naming the step and the task, leaf or party.
 */
public final class ModelProvenanceVerifier {
  private ModelProvenanceVerifier() {}

  /** This site, for its own part of the lineage: its party id and its own manifests by blob id (may be empty). */
  public record Site(String party, Map<String, Map<String, String>> ownManifests, java.util.function.Function<String, byte[]> commitmentKey) {
    public static Site none() {
      return new Site(null, Map.of(), blob -> null);
    }
  }

  public static Lineage verify(ProvenanceEvidence evidence, Site site) throws ProvenanceException {
    ModelProvenanceReport report = evidence.report();
    PublicKey key = key(evidence.signingPublicKey());
    LogState log = log(report.checkpoint(), key, evidence.pinnedCheckpoint(), evidence.consistencyProof());
    Checkpoint cp = log.checkpoint();
    ProvenanceIndex index;
    try {
      index = ProvenanceIndex.open(report.index(), key);
    } catch (ReceiptException e) {
      throw new ProvenanceException(e.reason() == ReceiptException.Reason.SIGNATURE ? SIGNATURE : MALFORMED, "provenance index", e.getMessage(), e);
    }
    if (!index.modelId().equals(report.modelId()) || !report.modelId().equals(evidence.modelId())) {
      throw new ProvenanceException(MISMATCH, "provenance index", "names model " + index.modelId() + ", not " + evidence.modelId());
    }
    if (index.treeSize() != cp.size()) {
      throw new ProvenanceException(MISMATCH, "provenance index", "lists entries of a log of size " + index.treeSize()
          + ", but the checkpoint has size " + cp.size());
    }
    Map<String, TaskReceipt> receipts = receipts(report.entries(), index.items(), key, cp);
    return LineageCheck.lineage(report, index, receipts, key, log.lineageLog(), site);
  }

  /** A verified checkpoint and, if the site had pinned one, the proof that it only grew since. */
  record LogState(Checkpoint checkpoint, Lineage.Log lineageLog) {}

  static LogState log(String note, PublicKey key, String pinnedNote, List<String> consistencyProof) throws ProvenanceException {
    String origin = SignedCheckpoints.originFor(key);
    Checkpoint cp = checkpoint(note, origin, key, "checkpoint");
    Long pinned = null;
    if (pinnedNote != null) {
      Checkpoint from = checkpoint(pinnedNote, origin, key, "pinned checkpoint");
      consistency(from, cp, consistencyProof);
      pinned = from.size();
    }
    return new LogState(cp, new Lineage.Log(origin, cp.size(), Base64.getEncoder().encodeToString(cp.rootHash()), pinned != null, pinned));
  }

  /** Every index item has its receipt, signed and included; no receipt is outside the index. */
  static Map<String, TaskReceipt> receipts(List<ModelProvenanceReport.Entry> entries, List<ProvenanceIndex.Item> items, PublicKey key,
      Checkpoint cp) throws ProvenanceException {
    Map<String, ModelProvenanceReport.Entry> byTask = new HashMap<>();
    for (ModelProvenanceReport.Entry e : entries) {
      if (byTask.put(e.taskId(), e) != null) throw new ProvenanceException(MISMATCH, "task " + e.taskId(), "listed twice");
    }
    Map<String, TaskReceipt> out = new java.util.LinkedHashMap<>();
    for (ProvenanceIndex.Item item : items) {
      String subject = "task " + item.taskId() + " (log leaf " + item.leafIndex() + ")";
      ModelProvenanceReport.Entry e = byTask.remove(item.taskId());
      if (e == null) throw new ProvenanceException(MISSING_ENTRY, subject, "the enclave's index lists it, but its receipt is missing");
      if (e.leafIndex() != item.leafIndex()) throw new ProvenanceException(MISMATCH, subject, "the receipt is at leaf " + e.leafIndex());
      TaskReceipt r;
      try {
        r = Receipts.open(e.envelope(), key);
      } catch (ReceiptException x) {
        throw new ProvenanceException(x.reason() == ReceiptException.Reason.SIGNATURE ? SIGNATURE : MALFORMED, subject,
            "receipt: " + x.getMessage(), x);
      }
      if (!item.taskId().equals(r.taskId()) || !item.kind().equals(r.kind())) {
        throw new ProvenanceException(MISMATCH, subject, "the receipt is for task " + r.taskId() + " (" + r.kind() + ")");
      }
      try {
        ReceiptVerifier.verifyInclusion(e.envelope(), e.leafIndex(), cp, ReceiptVerifier.decode(e.inclusionProof()));
      } catch (LogProofException | ReceiptException x) {
        throw new ProvenanceException(MISSING_ENTRY, subject, "not in the log at size " + cp.size() + ": " + x.getMessage(), x);
      }
      out.put(item.taskId(), r);
    }
    if (!byTask.isEmpty()) {
      throw new ProvenanceException(MISMATCH, "task " + byTask.keySet().iterator().next(), "a receipt the enclave's index does not list");
    }
    return out;
  }

  static PublicKey key(String b64) throws ProvenanceException {
    try {
      return Ed25519.publicKey(Base64.getDecoder().decode(b64));
    } catch (IllegalArgumentException e) {
      throw new ProvenanceException(MALFORMED, "signingPublicKey", e.getMessage(), e);
    }
  }

  private static Checkpoint checkpoint(String note, String origin, PublicKey key, String subject) throws ProvenanceException {
    if (note == null) throw new ProvenanceException(CHECKPOINT, subject, "missing");
    try {
      return SignedCheckpoints.open(note, origin, key);
    } catch (LogProofException e) {
      throw new ProvenanceException(CHECKPOINT, subject, e.getMessage(), e);
    }
  }

  /** The pinned checkpoint must be a prefix of the report's: smaller or equal size, proven by the consistency proof. */
  static void consistency(Checkpoint pinned, Checkpoint cp, List<String> proof) throws ProvenanceException {
    String subject = "log (pinned size " + pinned.size() + ", now " + cp.size() + ")";
    try {
      if (pinned.size() > cp.size()) throw new LogProofException("the log shrank: rolled back");
      List<byte[]> hashes = pinned.size() == cp.size() ? List.of() : ReceiptVerifier.decode(proof == null ? List.of() : proof);
      MerkleProofs.verifyConsistency(pinned.size(), cp.size(), pinned.rootHash(), cp.rootHash(), hashes);
    } catch (LogProofException e) {
      throw new ProvenanceException(CONSISTENCY, subject, "not an extension of the pinned checkpoint (forked or rewritten): " + e.getMessage(), e);
    }
  }

  static List<String> sorted(java.util.Collection<String> c) {
    List<String> l = new ArrayList<>(c);
    java.util.Collections.sort(l);
    return l;
  }
}
