package org.secaimed.enclave.server.provider;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.secaimed.connector.party.RequestRefusedException;
import org.secaimed.connector.provider.LicenceDecision;
import org.secaimed.connector.provider.UsageLicence;
import org.secaimed.enclave.server.algorithms.AlgorithmRunner;
import org.secaimed.enclave.server.algorithms.EnclaveAlgorithms;
import org.secaimed.onnx.OnnxModelException;
import org.secaimed.onnx.OnnxSegmentationModel;

/**
 * Providers' published models on the task path (docs/gateway-protocol.md, "Running a published
 * model"): which licence a task naming a model falls under, the licence decision at submission
 * (nothing appended), and at run time the {@code licence-use} entry appended to the log and only
 * then the bundle unwrapped into ONNX Runtime for that one task.
 */
public final class LicensedModels {
  /** Task kinds (wire names) a published model can serve; the licence then decides which are allowed. */
  public static final List<String> KINDS = List.of("evaluation", "segmentation", "training");

  private final ProviderModelStore store;
  private final LicenceLedger ledger;
  private final Path modelDirectory;
  private final Clock clock;
  private final int threads;

  public LicensedModels(ProviderModelStore store, LicenceLedger ledger, Path modelDirectory, Clock clock, int threads) {
    this.store = store;
    this.ledger = ledger;
    this.modelDirectory = modelDirectory;
    this.clock = clock;
    this.threads = threads;
  }

  public ProviderModelStore store() {
    return store;
  }

  public LicenceLedger ledger() {
    return ledger;
  }

  /** The licence offered for the algorithm a task names, if it is a published model. */
  public Optional<UsageLicence> offered(String algorithmId, String version) throws IOException {
    try {
      return store.offered(algorithmId, version);
    } catch (RequestRefusedException e) {
      throw new IOException("a stored licence no longer verifies: " + e.getMessage(), e);
    }
  }

  /** Refuses (naming the rule) a task the licence does not allow now; appends nothing, unwraps nothing. */
  public void check(UsageLicence licence, String site, String taskKind) throws RequestRefusedException {
    ledger.check(licence, task(site, taskKind));
  }

  /**
   * Decides again, appends the {@code licence-use} entry (the log includes it before anything is
   * decrypted) and unwraps the model for this task. The caller closes the returned use when the task ends.
   */
  public Use open(UsageLicence licence, String site, String taskKind, String taskId) throws RequestRefusedException, IOException {
    LicenceLedger.LoggedUse use = ledger.authorize(licence, task(site, taskKind), taskId);
    OnnxSegmentationModel model;
    try {
      model = store.unwrap(use, threads);
    } catch (OnnxModelException e) {
      throw new IOException("the published model of licence " + licence.digest().substring(0, 16) + "… does not load: " + e.getMessage(), e);
    }
    try {
      // The provider sealed the manifest; a bundle whose manifest names another model than its licence is refused, not run.
      if (!model.manifest().id().equals(licence.model().id()) || !model.manifest().version().equals(licence.model().version())) {
        throw new RequestRefusedException(RequestRefusedException.Rule.LICENCE_MODEL_MISMATCH, "the sealed bundle's manifest names "
            + model.manifest().id() + " " + model.manifest().version() + ", its licence " + licence.model().id() + " " + licence.model().version());
      }
      return new Use(licence, use, model, EnclaveAlgorithms.licensed(model, modelDirectory));
    } catch (RequestRefusedException | IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** A logged use of a licence with its model loaded; closing releases the model (it lived only in memory). */
  public record Use(UsageLicence licence, LicenceLedger.LoggedUse logged, OnnxSegmentationModel model, AlgorithmRunner runner)
      implements AutoCloseable {
    @Override
    public void close() {
      model.close();
    }
  }

  /** Catalogue entries (GET /v1/algorithms) for the offered licences: no model is unwrapped to list them. */
  public List<Map<String, Object>> catalogue() throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    List<UsageLicence> offered;
    try {
      offered = store.offered();
    } catch (RequestRefusedException e) {
      throw new IOException("a stored licence no longer verifies: " + e.getMessage(), e);
    }
    for (UsageLicence l : offered) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", l.model().id());
      m.put("version", l.model().version());
      m.put("digest", l.model().digest());
      m.put("kinds", KINDS);
      m.put("description", "Provider model " + l.model().id() + " " + l.model().version()
          + " on ONNX Runtime, sealed to this enclave; each run needs its provider's usage licence");
      m.put("segments", List.of());
      m.put("provider", l.provider());
      Map<String, Object> licence = new LinkedHashMap<>();
      licence.put("digest", l.digest());
      licence.put("taskKinds", l.taskKinds());
      licence.put("maxRuns", l.maxRuns());
      licence.put("maxRunsPerSite", l.maxRunsPerSite());
      licence.put("notAfter", l.notAfter());
      m.put("licence", licence);
      out.add(m);
    }
    return out;
  }

  /** The licence's name for a task kind and the output that kind hands out (UsageLicence.ALLOWED_OUTPUTS). */
  private LicenceDecision.Task task(String site, String taskKind) {
    String kind = "training".equals(taskKind) ? "fine-tuning" : taskKind;
    String output = switch (kind) {
      case "segmentation" -> "segmentation";
      case "fine-tuning" -> "sealed-model";
      default -> "metrics";
    };
    return new LicenceDecision.Task(site, kind, output, clock.instant());
  }
}
