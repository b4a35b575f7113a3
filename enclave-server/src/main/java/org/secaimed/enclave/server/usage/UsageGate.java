package org.secaimed.enclave.server.usage;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.secaimed.connector.party.RequestRefusedException;
import org.secaimed.connector.party.UsageDecision;
import org.secaimed.enclave.server.blob.BlobStore;

/**
 * Where the enclave applies its inputs' usage policies (docs/gateway-protocol.md, "Enforcement
 * order"). {@link #check} at submission refuses a task before it exists; {@link #admit} when it
 * runs decides again (consent may have been revoked or used up meanwhile) and appends each
 * input's use to the log in the same step. Neither opens an input.
 */
public final class UsageGate {
  /** An input the task may open: its verified policy and its logged use. */
  public record Admitted(InputPolicies.Verified input, UsageDecision.Allowed use) {}

  private final InputPolicies policies;
  private final ModelPolicies models;
  private final UsageLedger ledger;
  private final BlobStore blobs;
  private final String kemKeyId;
  private final Clock clock;

  public UsageGate(InputPolicies policies, ModelPolicies models, UsageLedger ledger, BlobStore blobs, String kemKeyId, Clock clock) {
    this.policies = policies;
    this.models = models;
    this.ledger = ledger;
    this.blobs = blobs;
    this.kemKeyId = kemKeyId;
    this.clock = clock;
  }

  public UsageLedger ledger() {
    return ledger;
  }

  public InputPolicies policies() {
    return policies;
  }

  public ModelPolicies models() {
    return models;
  }

  /** Refuses (naming the rule) a task the policies of its inputs do not allow; logs and opens nothing. */
  public void check(String taskId, TaskUse task) throws RequestRefusedException, IOException {
    List<InputPolicies.Verified> inputs = verifiedInputs(task);
    ledger.atomically(() -> decide(taskId, task, inputs));
  }

  /** Decides again and appends one use entry per input to the log; only then may the inputs be opened. */
  public List<Admitted> admit(String taskId, TaskUse task) throws RequestRefusedException, IOException {
    List<InputPolicies.Verified> inputs = verifiedInputs(task);
    return ledger.atomically(() -> {
      List<UsageDecision.Allowed> allowed = decide(taskId, task, inputs);
      List<Admitted> out = new ArrayList<>();
      for (int i = 0; i < inputs.size(); i++) {
        InputPolicies.Verified v = inputs.get(i);
        // Keyed by the input as the task names it: an upload that completed between a run and its
        // re-run after a restart is still the same use, not a second one under its blob id.
        long n = ledger.appendUse(taskId, task.inputs().get(i), v.digest(), v.policy().owner());
        UsageDecision.Allowed a = allowed.get(i);
        out.add(new Admitted(v, new UsageDecision.Allowed(a.blobId(), a.owner(), a.policyDigest(), n, a.maxUses())));
      }
      return out;
    });
  }

  /** A task as the enclave sees it: the verified submitter and what the signed request asks. */
  public record TaskUse(String submitter, String purpose, String kind, String algorithmId, String algorithmDigest, List<String> inputs,
      String model) {}

  private List<UsageDecision.Allowed> decide(String taskId, TaskUse task, List<InputPolicies.Verified> inputs)
      throws RequestRefusedException, IOException {
    if (task.model() != null) {
      // A trained model is used only as every contributor of its training allowed.
      if (!ModelPolicies.isWellFormed(task.model())) {
        // Checked here so that a hostile id is a refusal naming the rule, never an internal error.
        throw new RequestRefusedException(RequestRefusedException.Rule.MODEL_USE_NOT_ALLOWED,
            "parameter 'model' is not a model id (letters, digits, '.', '_' or '-', at most 128 characters)");
      }
      models.get(task.model()).orElseThrow(() -> new RequestRefusedException(RequestRefusedException.Rule.MODEL_USE_NOT_ALLOWED,
          "model " + task.model() + " has no usage policy in this enclave")).requireAllows(task.submitter(), task.purpose(), task.kind(),
          clock.instant());
    }
    List<UsageDecision.Input> in = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      InputPolicies.Verified v = inputs.get(i);
      // This task's own logged use (a re-run after a restart) does not count against it.
      long own = ledger.loggedUse(taskId, task.inputs().get(i)) > 0 ? 1 : 0;
      in.add(new UsageDecision.Input(v.blobId(), v.policy(), v.digest(), ledger.usesOf(v.digest()) - own, ledger.revoked(v.digest())));
    }
    return UsageDecision.decide(new UsageDecision.Task(task.submitter(), task.purpose(), task.kind(), task.algorithmId(),
        task.algorithmDigest(), clock.instant()), in);
  }

  /**
   * Each input's verified policy. An input naming an upload that has completed since is decided
   * as its blob; one still arriving by the policy its owner declared at creation, whose binding
   * the task checks on the archive header once the first part is there ({@code TaskService}).
   */
  private List<InputPolicies.Verified> verifiedInputs(TaskUse task) throws RequestRefusedException, IOException {
    List<InputPolicies.Verified> out = new ArrayList<>();
    for (String named : task.inputs()) {
      String id = blobs.resolveInput(named);
      InputPolicies.Verified v = policies.load(id).orElseThrow(() -> new RequestRefusedException(RequestRefusedException.Rule.POLICY_MISSING,
          BlobStore.isUploadId(id) ? "input " + id + " is an upload whose owner declared no usage policy when creating it: it cannot be read while it arrives"
              : "input " + id + " was uploaded without a usage policy (protocol v1): it cannot be used"));
      if (!BlobStore.isUploadId(id)) InputPolicies.requireBound(blobs.blobPath(id), id, kemKeyId, v.digest());
      out.add(v);
    }
    return out;
  }
}
