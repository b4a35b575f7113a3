package org.secaimed.connector.party;

import static org.secaimed.connector.party.RequestRefusedException.Rule.*;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The enclave's decision over one task, taken from the signed task request and every input's
 * verified usage policy, its use count and revocations read from the log — before any input is
 * opened. Pure: no I/O, so the rules are tested exhaustively in isolation
 * (docs/gateway-protocol.md, "Enforcement order").
 */
public final class UsageDecision {
  /** What a task wants to do, as the submitter signed it. */
  public record Task(String submitter, String purpose, String kind, String algorithmId, String algorithmDigest, Instant at) {
    public Task {
      Objects.requireNonNull(submitter, "submitter");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(at, "at");
    }
  }

  /** One input as the enclave knows it before opening it. */
  public record Input(String blobId, UsagePolicy policy, String policyDigest, long usesSoFar, boolean revoked) {}

  /** An allowed use of one input: the policy digest and which use this will be (1-based). */
  public record Allowed(String blobId, String owner, String policyDigest, long useNumber, int maxUses) {}

  private UsageDecision() {}

  /**
   * Returns the allowed uses, one per input, or throws naming the first rule a policy refuses.
   * Order: consent, expiry, submitter, purpose, kind, algorithm, recipient, co-contributors, count.
   */
  public static List<Allowed> decide(Task task, List<Input> inputs) throws RequestRefusedException {
    if (inputs.isEmpty()) throw new IllegalArgumentException("a task has at least one input");
    Set<String> owners = inputs.stream().map(i -> i.policy().owner()).collect(Collectors.toSet());
    String outputKind = UsagePolicy.outputKindOf(task.kind());
    for (Input in : inputs) {
      UsagePolicy p = in.policy();
      String who = "input " + in.blobId() + ": ";
      if (in.revoked()) refuse(CONSENT_REVOKED, who + "its owner revoked the usage policy " + in.policyDigest().substring(0, 16) + "…");
      if (!task.at().isBefore(p.notAfterInstant())) refuse(POLICY_EXPIRED, who + "its usage policy expired at " + p.notAfter());
      if (!p.submitters().contains(task.submitter())) {
        refuse(SUBMITTER_NOT_ALLOWED, who + "party " + shortId(task.submitter()) + " may not submit tasks over it");
      }
      if (task.purpose() == null || !p.purposes().contains(task.purpose())) {
        refuse(PURPOSE_NOT_ALLOWED, who + "purpose '" + task.purpose() + "' is not among " + p.purposes());
      }
      if (!p.taskKinds().contains(task.kind())) refuse(TASK_KIND_NOT_ALLOWED, who + "task kind '" + task.kind() + "' is not among " + p.taskKinds());
      if (!p.allowsAlgorithm(task.algorithmId(), task.algorithmDigest())) {
        refuse(ALGORITHM_NOT_ALLOWED, who + "algorithm '" + task.algorithmId() + "' with this digest is not allowed");
      }
      if (!p.recipientsOf(outputKind).contains(task.submitter())) {
        refuse(RECIPIENT_NOT_ALLOWED, who + "party " + shortId(task.submitter()) + " may not receive its " + outputKind + " output");
      }
      for (String other : owners) {
        if (!other.equals(p.owner()) && !p.coContributors().contains(other)) {
          refuse(CO_CONTRIBUTOR_NOT_ALLOWED, who + "its owner does not allow pooling with party " + shortId(other));
        }
      }
      if (in.usesSoFar() >= p.maxUses()) {
        refuse(MAX_USES_EXCEEDED, who + "its usage policy allows " + p.maxUses() + " use(s); the log holds " + in.usesSoFar());
      }
    }
    return inputs.stream().map(i -> new Allowed(i.blobId(), i.policy().owner(), i.policyDigest(), i.usesSoFar() + 1, i.policy().maxUses())).toList();
  }

  private static void refuse(RequestRefusedException.Rule rule, String message) throws RequestRefusedException {
    throw new RequestRefusedException(rule, message);
  }

  static String shortId(String id) {
    return id == null ? "(none)" : id.substring(0, Math.min(16, id.length())) + "…";
  }
}
