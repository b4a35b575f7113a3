package org.secaimed.kaapana.operator;

import java.util.List;

/** What happened to each series of a run, and the exit code Kaapana should see. */
public record JobReport(List<SeriesOutcome> series) {

  public enum Status { DONE, SKIPPED, FAILED }

  /** One series: its UID, what happened and a short reason (no patient data). */
  public record SeriesOutcome(String seriesUid, Status status, String detail) {}

  public JobReport {
    series = List.copyOf(series);
    if (series.isEmpty()) throw new IllegalArgumentException("a job report names at least one series");
  }

  /** 1 if any series failed; 126 (Kaapana's "skipped") if every series was skipped; else 0. */
  public int exitCode() {
    if (series.stream().anyMatch(s -> s.status() == Status.FAILED)) return 1;
    if (series.stream().allMatch(s -> s.status() == Status.SKIPPED)) return KaapanaEnvironment.EXIT_SKIPPED;
    return 0;
  }
}
