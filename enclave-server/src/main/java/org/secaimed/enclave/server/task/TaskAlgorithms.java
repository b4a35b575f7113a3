package org.secaimed.enclave.server.task;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.secaimed.connector.party.RequestRefusedException;
import org.secaimed.connector.provider.UsageLicence;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.enclave.server.algorithms.AlgorithmException;
import org.secaimed.enclave.server.algorithms.AlgorithmRunner;
import org.secaimed.enclave.server.algorithms.TaskKind;
import org.secaimed.enclave.server.algorithms.TaskRequest;
import org.secaimed.enclave.server.http.Problem;
import org.secaimed.enclave.server.provider.LicensedModels;

/**
 * Which algorithm a task names: one of the enclave's built-in algorithms, or a provider's published
 * model under its usage licence (docs/gateway-protocol.md, "Running a published model"). Validates
 * the request's algorithm at submission, decides the licence there without logging, and when the
 * task runs gives the runner to use (for a published model: its licence use logged, then the model
 * unwrapped for this task only).
 */
final class TaskAlgorithms {
  private final AlgorithmRunner builtIn;
  private final LicensedModels licensed;

  TaskAlgorithms(AlgorithmRunner builtIn, LicensedModels licensed) {
    this.builtIn = builtIn;
    this.licensed = licensed;
  }

  /** GET /v1/algorithms: the built-in algorithms, then providers' published models (a built-in id is never shadowed). */
  List<Map<String, Object>> catalogue() throws IOException {
    List<Map<String, Object>> out = new ArrayList<>(builtIn.catalogue().toWire());
    for (Map<String, Object> m : licensed.catalogue()) {
      if (builtIn.catalogue().find((String) m.get("id")).isEmpty()) out.add(m);
    }
    return out;
  }

  /** The licence a task falls under: its algorithm is a provider's published model, not a built-in one. */
  Optional<UsageLicence> licenceOf(TaskRecord.Request r) throws IOException {
    if (builtIn.catalogue().find(r.algorithm().id()).isPresent()) return Optional.empty();
    return licensed.offered(r.algorithm().id(), r.algorithm().version());
  }

  /**
   * Resolves the request's algorithm (id, version, pinned digest, kind) or answers the problem
   * ({@code unknown-algorithm}, {@code algorithm-digest-mismatch}); returns the licence it falls under, if any.
   */
  Optional<UsageLicence> validate(TaskRecord.Request r) throws IOException {
    Optional<UsageLicence> licence = licenceOf(r);
    if (licence.isPresent() && !licence.get().model().digest().equals(r.algorithm().digest())) {
      throw new Problem("algorithm-digest-mismatch", 422, "Algorithm not accepted", r.algorithm().id() + " digest is "
          + licence.get().model().digest() + ", request pins " + r.algorithm().digest());
    }
    try {
      if (licence.isEmpty()) builtIn.catalogue().resolve(request(r));
    } catch (AlgorithmException e) {
      String slug = e.reason() == AlgorithmException.Reason.DIGEST_MISMATCH || e.reason() == AlgorithmException.Reason.VERSION_MISMATCH
          ? "algorithm-digest-mismatch" : "unknown-algorithm";
      throw new Problem(slug, 422, "Algorithm not accepted", e.getMessage());
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("algorithm: " + e.getMessage());
    }
    return licence;
  }

  /** Refuses (naming the rule) a task its licence does not allow now; logs and unwraps nothing. */
  void checkLicence(Optional<UsageLicence> licence, String submitter, String kind) throws RequestRefusedException {
    if (licence.isPresent()) licensed.check(licence.get(), submitter, kind);
  }

  /** The runner for a task that is about to open its inputs; for a published model, after its licence use is logged. */
  Run open(TaskRecord t) throws RequestRefusedException, IOException {
    Optional<UsageLicence> licence = licenceOf(t.request());
    if (licence.isEmpty()) return new Run(builtIn, null);
    LicensedModels.Use use = licensed.open(licence.get(), t.submitter(), t.request().kind(), t.taskId());
    return new Run(use.runner(), use);
  }

  /** What runs a task; closing releases a published model's in-memory plaintext. */
  record Run(AlgorithmRunner runner, LicensedModels.Use licensedUse) implements AutoCloseable {
    /** The receipt's {@code licence}, or null for a built-in algorithm. */
    TaskReceipt.Licence receiptLicence() {
      if (licensedUse == null) return null;
      var a = licensedUse.logged().allowed();
      return new TaskReceipt.Licence(a.licenceDigest(), licensedUse.licence().provider(), a.modelDigest(), a.run(), a.siteRun(), a.maxRuns(),
          a.maxRunsPerSite(), licensedUse.logged().leafIndex());
    }

    @Override
    public void close() {
      if (licensedUse != null) licensedUse.close();
    }
  }

  static TaskRequest request(TaskRecord.Request r) throws AlgorithmException {
    Map<String, Object> params = r.parameters() == null ? Map.of() : Map.copyOf(r.parameters());
    return new TaskRequest(TaskKind.fromWireName(r.kind()), r.algorithm().id(), r.algorithm().version(), r.algorithm().digest(), params);
  }
}
