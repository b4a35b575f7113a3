package org.secaimed.enclave.server.provenance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.secaimed.connector.io.Digests;
import org.secaimed.connector.party.ModelPolicy;
import org.secaimed.connector.party.RequestRefusedException;
import org.secaimed.connector.party.SignedPolicy;
import org.secaimed.connector.provenance.InputUsesIndex;
import org.secaimed.connector.provenance.InputUsesReport;
import org.secaimed.connector.provenance.ModelProvenanceReport;
import org.secaimed.connector.provenance.ModelSigning;
import org.secaimed.connector.provenance.ProvenanceIndex;
import org.secaimed.connector.receipt.ReceiptException;
import org.secaimed.connector.receipt.Receipts;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.tlog.LogProofException;
import org.secaimed.connector.tlog.SignedCheckpoints;
import org.secaimed.enclave.server.http.Problem;
import org.secaimed.enclave.server.log.ReceiptLog;
import org.secaimed.enclave.server.state.StateDir;
import org.secaimed.enclave.server.task.TaskService;
import org.secaimed.enclave.server.usage.InputPolicies;
import org.secaimed.enclave.server.usage.ModelPolicies;

/**
 * Answers "which data trained this model, and what was it used for since?" for the parties whose
 * data trained it (docs/provenance.md). Every statement in the answer is either signed by this
 * enclave's attested key (receipts, the index, the model-signing statement, the checkpoint) or by
 * the data's owner (input policies), and every receipt comes with its inclusion proof, so the
 * untrusted gateway can withhold the answer but cannot alter or thin it unnoticed.
 *
 * <p>Scans the stored receipts per request (O(tasks)); a production enclave would index them.
 */
public final class ModelProvenanceService {
  private final StateDir state;
  private final ModelPolicies models;
  private final InputPolicies policies;
  private final ReceiptLog log;
  private final KeyPair signing;
  private final TaskService tasks;
  private final Path modelFiles;
  private final Clock clock;

  public ModelProvenanceService(StateDir state, ModelPolicies models, InputPolicies policies, ReceiptLog log, KeyPair signing,
      TaskService tasks, Path modelFiles, Clock clock) {
    this.state = state;
    this.models = models;
    this.policies = policies;
    this.log = log;
    this.signing = signing;
    this.tasks = tasks;
    this.modelFiles = modelFiles;
    this.clock = clock;
  }

  /** The report for {@code party}, who must have contributed training data to the model. */
  public ModelProvenanceReport report(String modelId, String party) throws IOException, RequestRefusedException {
    if (!ModelPolicies.isWellFormed(modelId)) throw Problem.badRequest("not a model id");
    ModelPolicy policy = models.get(modelId).orElseThrow(() -> Problem.notFound("no model " + modelId + " was trained in this enclave"));
    if (!policy.contributors().contains(party)) {
      throw new RequestRefusedException(RequestRefusedException.Rule.NOT_MODEL_CONTRIBUTOR,
          "only the parties whose data trained model " + modelId + " may read its provenance");
    }
    // The checkpoint first: every entry listed is then provably inside it.
    String note = log.signedCheckpoint();
    long size = sizeOf(note);
    List<ModelProvenanceReport.Entry> entries = new ArrayList<>();
    List<ProvenanceIndex.Item> items = new ArrayList<>();
    List<SignedPolicy> inputPolicies = new ArrayList<>();
    for (Stored s : storedReceipts()) {
      if (s.stored().leafIndex() >= size) continue;
      String role = roleOf(s.receipt(), modelId);
      if (role == null) continue;
      entries.add(entry(s, size));
      items.add(new ProvenanceIndex.Item(s.receipt().taskId(), s.receipt().kind(), role, s.stored().leafIndex(),
          tasks.get(s.receipt().taskId()).submitter()));
      if ("training".equals(role)) {
        for (TaskReceipt.Input in : s.receipt().inputs()) policies.signed(in.blobId()).ifPresent(inputPolicies::add);
      }
    }
    ProvenanceIndex index = new ProvenanceIndex(modelId, policy.digest(), size, clock.instant().toString(), items);
    return new ModelProvenanceReport(ModelProvenanceReport.FORMAT, modelId, policy, inputPolicies, note,
        index.sign(signing.getPrivate(), signing.getPublic()), entries, modelSignature(policy));
  }

  /**
   * Every task that used input {@code blobId}, for the owner of its usage policy only
   * ({@code not-policy-owner} otherwise): signed index, receipts, inclusion proofs, checkpoint.
   */
  public InputUsesReport inputUses(String blobId, String party) throws IOException, RequestRefusedException {
    if (blobId == null || !blobId.matches("sha256:[0-9a-f]{64}")) throw Problem.badRequest("a blob id is sha256:<64 hex>");
    var policy = policies.load(blobId).orElseThrow(() -> Problem.notFound("no input " + blobId + " with a usage policy"));
    if (!policy.policy().owner().equals(party)) {
      throw new RequestRefusedException(RequestRefusedException.Rule.NOT_POLICY_OWNER, "only the owner of input " + blobId + " may list its uses");
    }
    String note = log.signedCheckpoint();
    long size = sizeOf(note);
    List<ModelProvenanceReport.Entry> entries = new ArrayList<>();
    List<ProvenanceIndex.Item> items = new ArrayList<>();
    for (Stored s : storedReceipts()) {
      if (s.stored().leafIndex() >= size || s.receipt().inputs().stream().noneMatch(i -> blobId.equals(i.blobId()))) continue;
      entries.add(entry(s, size));
      items.add(new ProvenanceIndex.Item(s.receipt().taskId(), s.receipt().kind(), "input", s.stored().leafIndex(),
          tasks.get(s.receipt().taskId()).submitter()));
    }
    InputUsesIndex index = new InputUsesIndex(blobId, party, size, clock.instant().toString(), items);
    return new InputUsesReport(InputUsesReport.FORMAT, blobId, note, index.sign(signing.getPrivate(), signing.getPublic()), entries);
  }

  private long sizeOf(String note) {
    try {
      return SignedCheckpoints.open(note, log.origin(), signing.getPublic()).size();
    } catch (LogProofException e) {
      throw new IllegalStateException("own checkpoint does not verify", e);
    }
  }

  private ModelProvenanceReport.Entry entry(Stored s, long size) {
    return new ModelProvenanceReport.Entry(s.receipt().taskId(), s.stored().leafIndex(), s.stored().envelope(),
        log.inclusionProof(s.stored().leafIndex(), size).stream().map(h -> Base64.getEncoder().encodeToString(h)).toList());
  }

  /** {@code training} if the receipt produced the model, {@code use} if the task named it, else null. */
  static String roleOf(TaskReceipt r, String modelId) {
    if ("training".equals(r.kind()) && r.outputDigest("model-policy:" + modelId) != null) return "training";
    return modelId.equals(r.parameters().get("model")) ? "use" : null;
  }

  private record Stored(TaskService.StoredReceipt stored, TaskReceipt receipt) {}

  private List<Stored> storedReceipts() throws IOException {
    List<Stored> out = new ArrayList<>();
    try (var files = Files.list(state.receipts())) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json") && !p.toString().endsWith(".pending.json")).toList()) {
        TaskService.StoredReceipt s = state.readJson(f, TaskService.StoredReceipt.class);
        try {
          out.add(new Stored(s, Receipts.open(s.envelope(), signing.getPublic())));
        } catch (ReceiptException e) {
          throw new IllegalStateException("stored receipt " + f.getFileName() + " does not verify under this enclave's key", e);
        }
      }
    }
    out.sort(Comparator.comparingLong(s -> s.stored().leafIndex()));
    return out;
  }

  /**
   * The model-signing statement over the model's file as this enclave keeps it; the bytes must
   * still digest to what the model's policy (and training receipt) names.
   */
  private org.secaimed.connector.receipt.DsseEnvelope modelSignature(ModelPolicy policy) throws IOException {
    String name = policy.modelId() + ".model";
    String named = policy.modelDigest().startsWith("sha256:") ? policy.modelDigest().substring(7) : policy.modelDigest();
    Path file = modelFiles.resolve(name);
    if (Files.isRegularFile(file)) {
      String actual = Digests.sha256Hex(Files.readAllBytes(file));
      if (!actual.equals(named)) throw new IllegalStateException("model " + policy.modelId() + " no longer matches its digest");
    }
    return ModelSigning.sign(policy.modelId(), Map.of(name, named), signing.getPrivate(), signing.getPublic());
  }
}
