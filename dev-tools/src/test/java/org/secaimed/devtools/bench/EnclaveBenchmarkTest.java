package org.secaimed.devtools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.seal.HpkeSuite;

/** The harness behind {@code secaimed bench enclave}, on a small phantom: both paths agree and every figure is reported. */
class EnclaveBenchmarkTest {
  @TempDir Path work;

  @Test
  void bothPathsSegmentTheSameStudyEveryRoundAndReportEachRound() throws Exception {
    List<String> log = new ArrayList<>();
    EnclaveBenchmark.Report r = EnclaveBenchmark.run(work, 64, 12, HpkeSuite.X25519, 64 << 10, 2, log::add);

    // Round 2 uploads the baseline's instances in another order: the labels must not change.
    assertThat(r.identicalLabels()).isTrue();
    assertThat(r.roundRatios()).hasSize(2).allSatisfy(x -> assertThat(x).isPositive().isFinite());
    assertThat(r.medianRoundRatio()).isBetween(r.roundRatios().stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
        r.roundRatios().stream().mapToDouble(Double::doubleValue).max().orElseThrow());
    for (EnclaveBenchmark.Stages s : List.of(r.baseline(), r.confidential())) {
      assertThat(s.toEnclave()).isPositive();
      assertThat(s.task()).isPositive();
      assertThat(s.resultBack()).isPositive();
    }
    assertThat(r.dicomBytes()).isGreaterThan(64L * 64 * 12 * 2);
    assertThat(log).anyMatch(l -> l.startsWith("round 2/2: sealing off"));
  }
}
