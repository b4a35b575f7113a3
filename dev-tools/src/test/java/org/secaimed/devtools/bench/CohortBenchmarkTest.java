package org.secaimed.devtools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness behind {@code secaimed bench cohort}, on tiny series: the baseline is the median of
 * the series run alone, the live heap is measured after a full collection every 10 series of the
 * cohort and at its ends, both processes' CPU and each step's time are reported. No figure is judged here.
 */
class CohortBenchmarkTest {
  @TempDir Path work;

  @Test
  void reportsTheMedianBaselineTheLiveHeapCheckpointsAndTheCoresOfBothSides() throws Exception {
    List<String> log = new ArrayList<>();
    CohortBenchmark.Report r = CohortBenchmark.run(work, 11, 2, 64, 8, 3, "256m", log::add);

    assertThat(r.aloneRunsSeconds()).hasSize(3).allSatisfy(s -> assertThat(s).isPositive());
    double[] sorted = r.aloneRunsSeconds().stream().mapToDouble(Double::doubleValue).sorted().toArray();
    assertThat(r.aloneSeconds()).isEqualTo(sorted[1]);
    assertThat(r.cohortSeconds()).isPositive();
    assertThat(r.parallelEfficiency()).isPositive().isFinite();
    assertThat(r.heap().liveAfterFullGc()).extracting(LiveHeap.Checkpoint::label)
        .containsExactly("idle after the warm-up", "cohort in flight", "idle after the cohort");
    assertThat(r.heap().liveAfterFullGc()).extracting(LiveHeap.Checkpoint::seriesDone).containsExactly(0, 10, 11);
    assertThat(r.heap().liveAfterFullGc()).allSatisfy(c -> assertThat(c.liveBytes()).isPositive().isLessThan(r.heap().maxHeapBytes()));
    assertThat(r.aloneCores().operator()).isPositive();
    assertThat(r.cohortCores().operator()).isPositive();
    // The submit travels beside the seal (streamed ingest), so it is no step of its own on the path.
    assertThat(r.aloneStepSeconds()).containsKeys("attest", "seal", "await", "open_verify", "write_back", "other");
    assertThat(r.cohortStepSeconds()).containsKeys("seal", "await", "other");
    assertThat(r.cohortStepSeconds().values()).allSatisfy(x -> assertThat(x).isNotNegative().isFinite());
    assertThat(log).anyMatch(l -> l.contains("a warm-up series, 3 alone"));
    assertThat(r.efficiencyCeiling()).isPositive().isLessThanOrEqualTo(1);
    assertThat(r.cpuSecondsPerSeriesAlone()).isPositive().isFinite();
    assertThat(r.cpuSecondsPerSeriesCohort()).isPositive().isFinite();
  }

  @Test
  void theCeilingIsWhatTheCoresAllowWhenEachSeriesCostsWhatItCostAlone() {
    // 2 cores, 2 at a time; alone a series took 1.5 s (mean) and kept 1.6 cores busy: 2.4 CPU-s.
    CohortBenchmark.Report r = report(2, 2, List.of(1.4, 1.5, 1.6), new CohortBenchmark.Cores(0.8, 0.8),
        50, 48.0, 2.0, new CohortBenchmark.Cores(0.9, 1.0));

    assertThat(r.cpuSecondsPerSeriesAlone()).isCloseTo(2.4, within(1e-9));
    assertThat(r.cpuSecondsPerSeriesCohort()).isCloseTo(1.9 * 50 / 50, within(1e-9));
    assertThat(r.efficiencyCeiling()).isCloseTo(2 / (2 * 1.6), within(1e-9));
    assertThat(r.cohortCoreShare()).isCloseTo(0.95, within(1e-9));
    // One series on one core of two leaves room: the ceiling is 1.
    assertThat(report(2, 2, List.of(1.0), new CohortBenchmark.Cores(0.5, 0.4), 10, 6, 0, new CohortBenchmark.Cores(1, 1))
        .efficiencyCeiling()).isEqualTo(1);
  }

  private static CohortBenchmark.Report report(int cores, int k, List<Double> alone, CohortBenchmark.Cores aloneCores, int series,
      double cohortSeconds, double gcSeconds, CohortBenchmark.Cores cohortCores) {
    double median = alone.stream().sorted().toList().get(alone.size() / 2);
    return new CohortBenchmark.Report(series, k, cores, 64, 8, 1, median, alone, cohortSeconds, gcSeconds, aloneCores, cohortCores,
        null, "", "", java.util.Map.of(), java.util.Map.of(), java.util.Map.of());
  }
}
