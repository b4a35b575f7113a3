package org.secaimed.connector.provider;

import static org.secaimed.connector.party.RequestRefusedException.Rule.*;

import java.time.Instant;
import java.util.Objects;
import org.secaimed.connector.party.RequestRefusedException;

/**
 * The enclave's decision whether a task may use a licensed model, from the verified licence and
 * the counts and revocations read from its log — before the model bundle is opened. Pure: no I/O.
 * Order: revocation, expiry, site, task kind, output, runs in all, runs of this site.
 */
public final class LicenceDecision {
  /** What the task wants, as the submitting site signed it. */
  public record Task(String site, String kind, String output, Instant at) {
    public Task {
      Objects.requireNonNull(site, "site");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(at, "at");
    }
  }

  /** The log's state for one licence: uses so far in all and by the submitting site, and whether it was revoked. */
  public record Usage(long runsSoFar, long siteRunsSoFar, boolean revoked) {}

  /** An allowed use: the licence digest, the model digest and which run this is (1-based, in all and for the site). */
  public record Allowed(String licenceDigest, String modelDigest, long run, long siteRun, int maxRuns, int maxRunsPerSite) {}

  private LicenceDecision() {}

  public static Allowed decide(UsageLicence licence, Task task, Usage usage) throws RequestRefusedException {
    String digest = licence.digest();
    String which = "licence " + digest.substring(0, 16) + "… for model " + licence.model().id() + " " + licence.model().version() + ": ";
    if (usage.revoked()) refuse(LICENCE_REVOKED, which + "its provider revoked it");
    if (!task.at().isBefore(licence.notAfterInstant())) refuse(LICENCE_EXPIRED, which + "it expired at " + licence.notAfter());
    if (!licence.sites().contains(task.site())) refuse(SITE_NOT_LICENSED, which + "site " + shortId(task.site()) + " is not licensed");
    if (!licence.taskKinds().contains(task.kind())) {
      refuse(LICENCE_TASK_KIND_NOT_ALLOWED, which + "task kind '" + task.kind() + "' is not among " + licence.taskKinds());
    }
    if (!licence.outputsOf(task.kind()).contains(task.output())) {
      refuse(LICENCE_TASK_KIND_NOT_ALLOWED, which + "a " + task.kind() + " task may hand out only " + licence.outputsOf(task.kind()));
    }
    if (usage.runsSoFar() >= licence.maxRuns()) {
      refuse(LICENCE_RUNS_EXCEEDED, which + "it allows " + licence.maxRuns() + " run(s) in all; the log holds " + usage.runsSoFar());
    }
    if (usage.siteRunsSoFar() >= licence.maxRunsPerSite()) {
      refuse(LICENCE_RUNS_EXCEEDED, which + "it allows " + licence.maxRunsPerSite() + " run(s) per site; the log holds "
          + usage.siteRunsSoFar() + " by site " + shortId(task.site()));
    }
    return new Allowed(digest, licence.model().digest(), usage.runsSoFar() + 1, usage.siteRunsSoFar() + 1, licence.maxRuns(), licence.maxRunsPerSite());
  }

  private static void refuse(RequestRefusedException.Rule rule, String message) throws RequestRefusedException {
    throw new RequestRefusedException(rule, message);
  }

  private static String shortId(String id) {
    return id.substring(0, Math.min(16, id.length())) + "…";
  }
}
