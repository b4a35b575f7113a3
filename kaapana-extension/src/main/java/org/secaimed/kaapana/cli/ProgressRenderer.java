package org.secaimed.kaapana.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.secaimed.dicom.pipeline.PipelineException;
import org.secaimed.dicom.pipeline.PipelineListener;

/**
 * The one way long commands show a pipeline's progress: step lines on standard output, and the
 * long steps (pull + seal + upload bytes, the enclave's task progress) as progress bars on a
 * terminal, as plain throttled lines on standard error in a log (Kaapana, no terminal), and
 * nothing at all under {@code --json}.
 */
public final class ProgressRenderer implements PipelineListener, AutoCloseable {
  public enum Mode { BARS, LINES, NONE }

  /** A plain progress line at most this often (nanoseconds), plus the first and the last. */
  static final long LINE_INTERVAL = 2_000_000_000L;

  private final Mode mode;
  private final PrintWriter out;
  private final PrintWriter err;
  private final LongSupplier clock;
  private ProgressBar sealBar;
  private ProgressBar taskBar;
  private long lastLine = Long.MIN_VALUE;
  private String lastTaskLine = "";
  private int sealed;
  private long sealedBytes;

  public ProgressRenderer(Mode mode, PrintWriter out, PrintWriter err, LongSupplier clock) {
    this.mode = mode;
    this.out = out;
    this.err = err;
    this.clock = clock;
  }

  /** Bars on a terminal, lines otherwise, nothing under --json. */
  public static ProgressRenderer forCommand(boolean json, PrintWriter out, PrintWriter err) {
    Mode m = json ? Mode.NONE : System.console() != null ? Mode.BARS : Mode.LINES;
    return new ProgressRenderer(m, out, err, System::nanoTime);
  }

  @Override
  public void stepFinished(PipelineException.Step step, String detail) {
    if (step == PipelineException.Step.UPLOAD) finishSealing();
    if (step == PipelineException.Step.AWAIT) closeTaskBar();
    step(label(step), detail);
  }

  @Override
  public void stepResumed(PipelineException.Step step, String detail) {
    step(label(step), "(resumed from journal) " + detail);
  }

  @Override
  public void instanceSealed(int count, long plaintextBytes) {
    sealed = count;
    sealedBytes = plaintextBytes;
    switch (mode) {
      case BARS -> {
        if (sealBar == null) {
          sealBar = new ProgressBarBuilder().setTaskName("pull+seal").setStyle(ProgressBarStyle.ASCII).setInitialMax(-1)
              .setUnit(" inst", 1).build();
        }
        sealBar.stepTo(count);
        sealBar.setExtraMessage(Units.bytes(plaintextBytes));
      }
      case LINES -> {
        long now = clock.getAsLong();
        if (lastLine == Long.MIN_VALUE || now - lastLine >= LINE_INTERVAL) {
          lastLine = now;
          progress(String.format(Locale.ROOT, "pull+seal    %d instances, %s", count, Units.bytes(plaintextBytes)));
        }
      }
      case NONE -> { }
    }
  }

  @Override
  public void taskProgress(String taskId, String state, double fraction) {
    int percent = (int) Math.round(Math.max(0, Math.min(1, fraction)) * 100);
    switch (mode) {
      case BARS -> {
        if (taskBar == null) {
          taskBar = new ProgressBarBuilder().setTaskName("enclave task").setStyle(ProgressBarStyle.ASCII).setInitialMax(100)
              .setUnit("%", 1).build();
        }
        taskBar.stepTo(percent);
        taskBar.setExtraMessage(state);
      }
      case LINES -> {
        // A line when the state changes or another tenth is done: a log, not a flood.
        String line = String.format(Locale.ROOT, "task %s %s %d%%", taskId, state, percent / 10 * 10);
        if (!line.equals(lastTaskLine)) {
          lastTaskLine = line;
          progress(line);
        }
      }
      case NONE -> { }
    }
  }

  private void finishSealing() {
    if (sealBar != null) {
      sealBar.close();
      sealBar = null;
    } else if (mode == Mode.LINES && sealed > 0) {
      progress(String.format(Locale.ROOT, "pull+seal    %d instances, %s (done)", sealed, Units.bytes(sealedBytes)));
    }
  }

  private void closeTaskBar() {
    if (taskBar != null) {
      taskBar.close();
      taskBar = null;
    }
  }

  private void step(String label, String detail) {
    if (mode == Mode.NONE) return;
    out.printf("  %-12s %s%n", label, detail);
    out.flush();
  }

  private void progress(String line) {
    err.println("  " + line);
    err.flush();
  }

  /** DESIGN §3's step names: "open+verify" is one step, "write back" is one action. */
  private static String label(PipelineException.Step step) {
    if (step == PipelineException.Step.WRITE_BACK) return "write back";
    return step.name().toLowerCase(Locale.ROOT).replace('_', '+');
  }

  @Override
  public void close() {
    if (sealBar != null) sealBar.close();
    closeTaskBar();
  }
}
