package org.secaimed.devtools.cli;

import org.secaimed.kaapana.cli.JsonOutput;
import org.secaimed.kaapana.cli.SecaimedCli;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.secaimed.dicom.pipeline.PipelineException;
import org.secaimed.dicom.pipeline.PipelineListener;
import org.secaimed.dicom.pipeline.SeriesOutcome;
import org.secaimed.devtools.demo.Demo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code secaimed demo}: the whole job on a generated CT phantom against the in-process INSECURE dev enclave. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run the whole pipeline on a generated CT phantom against the in-process INSECURE dev enclave:",
        "attest, seal, upload, segment (ct-body-lungs-bone), verify the receipt and log, write a DICOM SEG,",
        "and score it against the phantom's ground truth."})
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--out", description = "Output folder (default: ./secaimed-demo)", defaultValue = "secaimed-demo")
  Path out;

  @Option(names = "--slices", description = "Number of CT slices (default: ${DEFAULT-VALUE})", defaultValue = "64")
  int slices;

  @Option(names = "--size", description = "Rows and columns per slice (default: ${DEFAULT-VALUE})", defaultValue = "256")
  int size;

  @Option(names = "--json", description = "Print one JSON object instead of the report")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (slices < 8 || slices > 2000) throw new CommandLine.ParameterException(spec.commandLine(), "--slices must be 8..2000");
    if (size < 64 || size > 1024) throw new CommandLine.ParameterException(spec.commandLine(), "--size must be 64..1024");
    PrintWriter outWriter = spec.commandLine().getOut();
    PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
    PrintStream enclaveLog = json ? quiet : new PrintStream(System.out, true);
    PipelineListener listener = json ? PipelineListener.SILENT : new ConsoleListener(outWriter);
    if (!json) {
      outWriter.printf("secaimed demo: generated CT phantom %dx%dx%d -> INSECURE dev enclave (in-process) -> DICOM SEG%n",
          size, size, slices);
      outWriter.flush();
    }

    Demo.Result r = new Demo(out.toAbsolutePath(), slices, size, listener, enclaveLog).run();
    SeriesOutcome o = r.outcome();
    boolean diceOk = r.dice().values().stream().allMatch(d -> d >= 0.95);

    if (json) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("dice", r.dice());
      j.put("diceAtLeast095", diceOk);
      j.put("receiptVerified", r.receiptVerified());
      j.put("segPath", r.segPath().toString());
      j.put("segSopInstanceUid", o.segSopInstanceUid());
      j.put("seriesDir", r.seriesDir().toString());
      j.put("taskId", o.taskId());
      j.put("algorithm", o.algorithm());
      j.put("logIndex", o.logIndex());
      j.put("receiptFile", o.receiptFile().toString());
      j.put("recordFile", o.recordFile().toString());
      j.put("enclave", Map.of("insecure", o.enclaveInsecure(), "measurement", String.valueOf(o.enclaveMeasurement()),
          "evidenceDigest", o.evidenceDigest()));
      j.put("instances", o.instances());
      j.put("plaintextBytes", o.plaintextBytes());
      j.put("sealedBytes", o.sealedBytes());
      j.put("sealSeconds", o.sealSeconds());
      j.put("resumedSteps", o.resumedSteps());
      j.put("totalSeconds", r.totalSeconds());
      JsonOutput.print(outWriter, j);
    } else {
      double mb = o.plaintextBytes() / 1e6;
      outWriter.println();
      outWriter.println("Result");
      outWriter.printf("  attested enclave  %s, measurement %s%n", o.enclaveInsecure() ? "INSECURE dev enclave (software keys)" : "enclave",
          o.enclaveMeasurement());
      outWriter.printf("  sealed            %d instances, %.1f MB%s%n", o.instances(), mb,
          o.sealSeconds() > 0 ? String.format(Locale.ROOT, " in %.2f s (%.0f MB/s, pull+seal+upload)", o.sealSeconds(), mb / o.sealSeconds()) : " (resumed)");
      outWriter.printf("  task              %s (%s)%n", o.taskId(), o.algorithm());
      outWriter.printf("  receipt           verified: signature, contents, log inclusion at index %d, log consistency%n", o.logIndex());
      outWriter.printf("                    %s%n", o.receiptFile());
      outWriter.printf("  SEG               %s (%d segments: %s)%n", r.segPath(), o.segments().size(), String.join(", ", o.segments()));
      StringBuilder d = new StringBuilder();
      r.dice().forEach((k, v) -> d.append(String.format(Locale.ROOT, "%s %.3f  ", k, v)));
      outWriter.printf("  Dice vs truth     %s%s%n", d.toString().trim(), diceOk ? "" : "  (below 0.95!)");
      outWriter.printf("  total             %.1f s%n", r.totalSeconds());
      outWriter.flush();
    }
    return SecaimedCli.EXIT_OK;
  }

  /** Prints each step on one line as it finishes. */
  static final class ConsoleListener implements PipelineListener {
    private final PrintWriter out;

    ConsoleListener(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void stepFinished(PipelineException.Step step, String detail) {
      out.printf("  %-12s %s%n", label(step), detail);
      out.flush();
    }

    @Override
    public void stepResumed(PipelineException.Step step, String detail) {
      out.printf("  %-12s (resumed from journal) %s%n", label(step), detail);
      out.flush();
    }

    private static String label(PipelineException.Step step) {
      return step.name().toLowerCase(Locale.ROOT).replace('_', '+');
    }
  }
}
