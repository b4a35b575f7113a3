package org.secaimed.kaapana.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.secaimed.dicom.pipeline.PipelineException.Step;

/** Pipeline events as a person (bars), a log (lines) or a script (--json: nothing) sees them. */
class ProgressRendererTest {
  final StringWriter out = new StringWriter(), err = new StringWriter();
  final AtomicLong now = new AtomicLong();

  ProgressRenderer renderer(ProgressRenderer.Mode mode) {
    return new ProgressRenderer(mode, new PrintWriter(out), new PrintWriter(err), now::get);
  }

  void job(ProgressRenderer r) {
    r.stepFinished(Step.ATTEST, "dev enclave");
    for (int i = 1; i <= 100; i++) {
      now.addAndGet(100_000_000L); // 0.1 s per instance
      r.instanceSealed(i, i * 524_288L);
    }
    r.stepFinished(Step.UPLOAD, "100 instances");
    for (int p = 0; p <= 100; p += 5) r.taskProgress("task-1", p < 100 ? "running" : "succeeded", p / 100.0);
    r.stepFinished(Step.AWAIT, "succeeded");
  }

  @Test
  void inALogProgressIsThrottledPlainLinesOnStandardError() {
    job(renderer(ProgressRenderer.Mode.LINES));
    assertThat(out.toString()).contains("attest").contains("upload").contains("await");
    assertThat(err.toString().lines().filter(l -> l.contains("pull+seal ")).count()).as("every 2 s, not per instance").isBetween(5L, 8L);
    assertThat(err.toString()).contains("100 instances, 50.0 MiB (done)");
    assertThat(err.toString().lines().filter(l -> l.contains("task task-1 running")).count()).as("one line per tenth").isEqualTo(10);
    assertThat(err.toString()).contains("task task-1 succeeded 100%").doesNotContain("\r");
  }

  @Test
  void underJsonNothingExtraIsPrinted() {
    job(renderer(ProgressRenderer.Mode.NONE));
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).isEmpty();
  }
}
