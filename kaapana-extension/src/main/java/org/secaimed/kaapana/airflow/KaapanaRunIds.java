package org.secaimed.kaapana.airflow;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Run ids as Kaapana makes them ({@code <dag id>-<yyMMddHHmmssSSSSSS>}, its {@code generate_run_id}).
 * Kaapana 0.6.0 names the run's ConfigMap {@code <run id>-config} and labels it {@code run_id=<run id>},
 * so a run id must be a DNS-1123 name short enough for a label value; Airflow's own
 * {@code manual__2025-01-01T00:00:00+00:00} is neither, and the task then fails with 422.
 */
public final class KaapanaRunIds {
  private static final Pattern VALID = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?");
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyMMddHHmmssSSSSSS");

  private KaapanaRunIds() {}

  public static String generate(String dagId, Clock clock) {
    return check(dagId + "-" + LocalDateTime.now(clock).format(STAMP));
  }

  /** The run id unchanged, or an IllegalArgumentException saying why Kaapana could not use it. */
  public static String check(String runId) {
    if (!VALID.matcher(runId).matches()) {
      throw new IllegalArgumentException("run id '" + runId + "' cannot name Kaapana's <run id>-config ConfigMap: use lower-case"
          + " letters, digits, '-' and '.', starting and ending with a letter or digit, at most 63 characters");
    }
    return runId;
  }
}
