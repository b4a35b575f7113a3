package org.secaimed.devtools.cli;

import org.secaimed.kaapana.cli.JsonOutput;
import org.secaimed.devtools.demo.DemoWorkspace;
import org.secaimed.kaapana.cli.CliFailure;
import org.secaimed.kaapana.cli.ErrorReport;
import org.secaimed.kaapana.cli.ProgressRenderer;
import org.secaimed.kaapana.cli.SecaimedCli;
import org.secaimed.kaapana.cli.Units;
import org.secaimed.kaapana.cli.Usage;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.secaimed.dicom.pipeline.SeriesOutcome;
import org.secaimed.devtools.demo.Demo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code secaimed demo}: the whole job on a generated CT phantom against the in-process INSECURE dev enclave. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run the whole pipeline on a generated CT phantom against an in-process INSECURE dev enclave.",
        "Attest, seal, upload, segment (ct-body-lungs-bone), verify the receipt and log, write a DICOM SEG,",
        "and score it against the phantom's ground truth (exit 1 if any Dice is below 0.95).",
        "Each run starts from a fresh phantom and run folder; files it did not write are left alone."})
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--out", description = "Output folder (default: ./secaimed-demo)", defaultValue = "secaimed-demo")
  Path out;

  @Option(names = "--slices", description = "Number of CT slices (default: ${DEFAULT-VALUE})", defaultValue = "64")
  int slices;

  @Option(names = "--size", description = "Rows and columns per slice (default: ${DEFAULT-VALUE})", defaultValue = "256")
  int size;

  @Option(names = "--json", description = "Print one JSON object instead of the report")
  boolean json;

  @Option(names = "--consortium", description = {"Consortium scenario (protocol v2): N sites pool data for one training run,",
      "each segments with the model, another party evaluates it (metrics only), then the demo tries the attacks itself"})
  boolean consortium;

  @Option(names = "--provider", description = {"Provider scenario: a provider publishes an ONNX model under a licence of 2 runs for site A.",
      "Site A segments twice (Dice reported); its third run, site B and an expired licence are refused;",
      "the provider's verified usage report lists exactly the two uses. --size and --slices set the phantom."})
  boolean provider;

  @Option(names = "--sites", description = "Sites in the consortium scenario (default: ${DEFAULT-VALUE})", defaultValue = "3")
  int sites;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (consortium && provider) throw new CommandLine.ParameterException(spec.commandLine(), "choose one of --consortium and --provider");
    if (consortium) return ConsortiumReport.run(spec, out.toAbsolutePath().resolve("consortium"), sites, json);
    Usage.range(spec, "--slices", slices, 8, 2000);
    Usage.range(spec, "--size", size, 64, 1024);
    if (provider) return ProviderReport.run(spec, out.toAbsolutePath().resolve("provider"), size, slices, json);
    PrintWriter outWriter = spec.commandLine().getOut();
    PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
    PrintStream enclaveLog = json ? quiet : new PrintStream(System.out, true);
    ProgressRenderer listener = ProgressRenderer.forCommand(json, outWriter, spec.commandLine().getErr());
    if (!json) {
      outWriter.printf("secaimed demo: generated CT phantom %dx%dx%d -> INSECURE dev enclave (in-process) -> DICOM SEG%n",
          size, size, slices);
      outWriter.flush();
    }

    Demo.Result r;
    try {
      r = new Demo(out.toAbsolutePath(), slices, size, listener, enclaveLog).run();
    } catch (DemoWorkspace.NotOursException e) {
      throw new CliFailure("NOT_OURS", e.getMessage(), "--out");
    } finally {
      listener.close();
    }
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
      if (diceOk) JsonOutput.ok(outWriter, j);
      else JsonOutput.failed(outWriter, new ErrorReport("QUALITY_CHECK_FAILED", "a Dice score against the phantom's truth is below 0.95", null), j);
    } else {
      long nanos = (long) (o.sealSeconds() * 1e9);
      outWriter.println();
      outWriter.println("Result");
      outWriter.printf("  attested enclave  %s, measurement %s%n", o.enclaveInsecure() ? "INSECURE dev enclave (software keys)" : "enclave",
          o.enclaveMeasurement());
      outWriter.printf("  sealed            %d instances, %s%s%n", o.instances(), Units.bytes(o.plaintextBytes()),
          o.sealSeconds() > 0 ? String.format(Locale.ROOT, " in %.2f s (%s, pull+seal+upload)", o.sealSeconds(), Units.rate(o.plaintextBytes(), nanos)) : " (resumed)");
      outWriter.printf("  task              %s (%s)%n", o.taskId(), o.algorithm());
      outWriter.printf("  receipt           verified: signature, contents, log inclusion at index %d, log consistency%n", o.logIndex());
      outWriter.printf("                    %s%n", o.receiptFile());
      outWriter.printf("  SEG               %s (%d segments: %s)%n", r.segPath(), o.segments().size(), String.join(", ", o.segments()));
      StringBuilder d = new StringBuilder();
      r.dice().forEach((k, v) -> d.append(String.format(Locale.ROOT, "%s %.3f  ", k, v)));
      outWriter.printf("  Dice vs truth     %s%s%n", d.toString().trim(), diceOk ? "" : "  (below 0.95: quality check FAILED)");
      outWriter.printf("  total             %.1f s%n", r.totalSeconds());
      outWriter.flush();
    }
    // The demo's own quality check is its verdict: a segmentation that misses the truth is a failure.
    return diceOk ? SecaimedCli.EXIT_OK : SecaimedCli.EXIT_FAILED;
  }
}
