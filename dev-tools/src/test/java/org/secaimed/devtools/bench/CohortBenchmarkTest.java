package org.secaimed.devtools.bench;

import static org.assertj.core.api.Assertions.assertThat;

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
  }
}
