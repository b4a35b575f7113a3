package org.secaimed.kaapana.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.secaimed.kaapana.operator.JobReport.SeriesOutcome;
import org.secaimed.kaapana.operator.JobReport.Status;

class JobReportTest {
  private static SeriesOutcome s(Status st) {
    return new SeriesOutcome("1.2.3", st, null);
  }

  @Test
  void exitCodesFollowKaapana() {
    assertThat(new JobReport(List.of(s(Status.DONE), s(Status.SKIPPED))).exitCode()).isZero();
    assertThat(new JobReport(List.of(s(Status.SKIPPED), s(Status.SKIPPED))).exitCode()).isEqualTo(126);
    assertThat(new JobReport(List.of(s(Status.DONE), s(Status.FAILED), s(Status.SKIPPED))).exitCode()).isEqualTo(1);
    assertThatThrownBy(() -> new JobReport(List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void exactlyOneJobIsRegistered() {
    // The pipeline registers itself through META-INF/services; find() refuses ambiguity.
    assertThat(KaapanaJobs.find()).isPresent();
  }
}
