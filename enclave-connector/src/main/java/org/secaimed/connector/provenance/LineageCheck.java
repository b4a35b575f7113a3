package org.secaimed.connector.provenance;

import static org.secaimed.connector.provenance.ProvenanceException.Step.MISMATCH;
import static org.secaimed.connector.provenance.ProvenanceException.Step.MODEL_SIGNATURE;
import static org.secaimed.connector.provenance.ProvenanceException.Step.OWN_CONTRIBUTION;
import static org.secaimed.connector.provenance.ProvenanceException.Step.POLICY;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.secaimed.connector.party.ModelPolicy;
import org.secaimed.connector.party.RequestRefusedException;
import org.secaimed.connector.party.SignedPolicy;
import org.secaimed.connector.party.UsagePolicy;
import org.secaimed.connector.receipt.InstanceCommitments;
import org.secaimed.connector.receipt.ReceiptException;
import org.secaimed.connector.receipt.TaskReceipt;

/**
 * The content half of {@link ModelProvenanceVerifier}: the receipts (already signed and logged)
 * must agree with the model's policy, with the owner-signed input policies and with the
 * model-signing statement; the model's policy must be exactly what its inputs' policies derive.
 */
final class LineageCheck {
  private LineageCheck() {}

  static Lineage lineage(ModelProvenanceReport report, ProvenanceIndex index, Map<String, TaskReceipt> receipts, PublicKey key,
      Lineage.Log log, ModelProvenanceVerifier.Site site) throws ProvenanceException {
    String modelId = report.modelId();
    ModelPolicy mp = report.modelPolicy();
    if (mp == null || !modelId.equals(mp.modelId())) throw new ProvenanceException(POLICY, "model " + modelId, "the report carries no policy for it");
    if (!mp.digest().equals(index.modelPolicyDigest())) {
      throw new ProvenanceException(POLICY, "model " + modelId, "its policy digests to " + mp.digest() + ", the signed index names " + index.modelPolicyDigest());
    }
    Map<String, UsagePolicy> policies = inputPolicies(report.inputPolicies());
    List<Lineage.Task> training = new ArrayList<>();
    List<Lineage.Task> uses = new ArrayList<>();
    TaskReceipt trainedBy = null;
    for (ProvenanceIndex.Item item : index.items()) {
      TaskReceipt r = receipts.get(item.taskId());
      String role = "training".equals(r.kind()) && r.outputDigest("model-policy:" + modelId) != null ? "training"
          : modelId.equals(r.parameters().get("model")) ? "use" : null;
      if (!item.role().equals(role)) {
        throw new ProvenanceException(MISMATCH, "task " + r.taskId(), "the index calls it '" + item.role() + "', its receipt says " + role);
      }
      Lineage.Task t = new Lineage.Task(r.taskId(), r.kind(), item.submitter(), r.startedAt(), r.finishedAt(), r.outputDigest("result"), item.leafIndex());
      if ("training".equals(role)) {
        trainedBy = r;
        training.add(t);
      } else {
        uses.add(t);
      }
    }
    if (training.size() != 1) throw new ProvenanceException(MISMATCH, "model " + modelId, training.size() + " training receipts (expected exactly one)");
    String modelHex = trainedModel(trainedBy, mp);
    List<UsagePolicy> used = new ArrayList<>();
    for (TaskReceipt.Input in : trainedBy.inputs()) {
      UsagePolicy p = policies.get(in.policyDigest());
      if (p == null || !p.owner().equals(in.owner())) {
        throw new ProvenanceException(POLICY, "input " + in.blobId() + " of party " + in.owner(), "its owner-signed usage policy " + in.policyDigest() + " is missing");
      }
      used.add(p);
    }
    ModelPolicy derived = ModelPolicy.derive(modelId, mp.modelDigest(), trainedBy.taskId(), used);
    if (!derived.equals(mp)) {
      throw new ProvenanceException(POLICY, "model " + modelId, "its policy is not what its contributors' policies allow together");
    }
    Map<String, String> files = modelFiles(report, key, modelId, modelHex);
    TaskReceipt.Algorithm a = trainedBy.algorithm();
    return new Lineage(modelId, "sha256:" + modelHex, mp.digest(), mp.purposes(), mp.notAfter(), training, trainedBy.parameters().get("model"),
        contributors(trainedBy, policies, site), new Lineage.Algorithm(a.id(), a.version(), a.digest()),
        new Lineage.Enclave(trainedBy.enclave().platform(), trainedBy.enclave().measurement(), trainedBy.enclave().insecure()), uses, log, files);
  }

  private static String trainedModel(TaskReceipt r, ModelPolicy mp) throws ProvenanceException {
    String named = r.outputDigest("model:" + mp.modelId());
    if (!r.outputDigest("model-policy:" + mp.modelId()).equals(mp.digest())) {
      throw new ProvenanceException(POLICY, "task " + r.taskId(), "its receipt names another policy for model " + mp.modelId());
    }
    if (named == null || !("sha256:" + named).equals(mp.modelDigest()) || !r.taskId().equals(mp.trainingTask())) {
      throw new ProvenanceException(MISMATCH, "task " + r.taskId(), "its receipt and the model's policy name different model bytes or tasks");
    }
    return named;
  }

  private static Map<String, UsagePolicy> inputPolicies(List<SignedPolicy> signed) throws ProvenanceException {
    Map<String, UsagePolicy> out = new LinkedHashMap<>();
    for (SignedPolicy s : signed) {
      try {
        UsagePolicy p = s.verify();
        out.put(p.digest(), p);
      } catch (RequestRefusedException e) {
        throw new ProvenanceException(POLICY, "an input policy", "does not verify under its owner's key: " + e.getMessage(), e);
      }
    }
    return out;
  }

  private static List<Lineage.Contributor> contributors(TaskReceipt r, Map<String, UsagePolicy> policies, ModelProvenanceVerifier.Site site)
      throws ProvenanceException {
    Map<String, List<TaskReceipt.Input>> byOwner = new TreeMap<>();
    for (TaskReceipt.Input in : r.inputs()) byOwner.computeIfAbsent(in.owner(), k -> new ArrayList<>()).add(in);
    List<Lineage.Contributor> out = new ArrayList<>();
    for (var e : byOwner.entrySet()) {
      boolean own = e.getKey().equals(site.party());
      List<String> digests = e.getValue().stream().map(TaskReceipt.Input::policyDigest).distinct().sorted().toList();
      UsagePolicy first = policies.get(digests.get(0));
      int instances = 0;
      Map<String, String> ownInstances = own ? new TreeMap<>() : null;
      for (TaskReceipt.Input in : e.getValue()) {
        instances += in.instanceCount() == null ? 0 : in.instanceCount();
        if (own) ownInstances.putAll(checkOwn(in, site));
      }
      out.add(new Lineage.Contributor(e.getKey(), own, digests, first.purposes(), first.taskKinds(), first.notAfter(), first.maxUses(),
          e.getValue().stream().map(TaskReceipt.Input::blobId).toList(), e.getValue().size(), instances,
          e.getValue().stream().map(TaskReceipt.Input::instancesCommitment).toList(), ownInstances));
    }
    return out;
  }

  /** This site's own input: its manifest must reproduce the commitment and the count. */
  private static Map<String, String> checkOwn(TaskReceipt.Input in, ModelProvenanceVerifier.Site site) throws ProvenanceException {
    Map<String, String> manifest = site.ownManifests().get(in.blobId());
    if (manifest == null) return Map.of();
    byte[] k = site.commitmentKey().apply(in.blobId());
    String subject = "own input " + in.blobId();
    if (k == null || !InstanceCommitments.commit(k, manifest).equals(in.instancesCommitment())) {
      throw new ProvenanceException(OWN_CONTRIBUTION, subject, "the receipt's commitment does not match this site's manifest");
    }
    if (in.instanceCount() != null && in.instanceCount() != manifest.size()) {
      throw new ProvenanceException(OWN_CONTRIBUTION, subject, "the receipt counts " + in.instanceCount() + " instances, the manifest " + manifest.size());
    }
    return manifest;
  }

  private static Map<String, String> modelFiles(ModelProvenanceReport report, PublicKey key, String modelId, String modelHex)
      throws ProvenanceException {
    ModelSigning.Manifest m;
    try {
      m = ModelSigning.verify(report.modelSignature(), key);
    } catch (ReceiptException e) {
      throw new ProvenanceException(MODEL_SIGNATURE, "model " + modelId, e.getMessage(), e);
    }
    if (!modelId.equals(m.modelName()) || !m.files().values().contains(modelHex) || m.files().size() != 1) {
      throw new ProvenanceException(MODEL_SIGNATURE, "model " + modelId, "the signed files are not the trained model's bytes");
    }
    return m.files();
  }
}
