package org.secaimed.devtools.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.secaimed.devtools.bench.CohortBenchmark;
import org.secaimed.kaapana.cli.JsonOutput;
import org.secaimed.kaapana.cli.SecaimedCli;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code secaimed bench cohort}: series per minute with K concurrent series, and the operator's heap. */
@Command(name = "cohort", mixinStandardHelpOptions = true,
    description = {"Cohort throughput and the operator's peak heap.",
        "N CT series through the same pipeline as",
        "'kaapana run' (attest, pull + seal + upload, task, open + verify, SEG write-back, record) against an",
        "INSECURE dev enclave in this process, the operator in a child JVM with a capped heap. Prints series",
        "per minute with K at a time next to one series alone (same run), the parallel efficiency, and the",
        "operator's peak heap. For a large series at a small heap: --series 1 --concurrency 1 --slices 2100 --heap 256m."})
public final class BenchCohortCommand implements Callable<Integer> {
  static final double EFFICIENCY_GOAL = 0.85;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--series", paramLabel = "N", description = "series in the cohort (default ${DEFAULT-VALUE})")
  int series = 50;

  @Option(names = "--concurrency", paramLabel = "K", description = "series at a time (default: the cores, ${DEFAULT-VALUE})")
  int concurrency = Runtime.getRuntime().availableProcessors();

  @Option(names = "--size", description = "slice columns and rows (default ${DEFAULT-VALUE})")
  int size = 512;

  @Option(names = "--slices", description = "slices per series (default ${DEFAULT-VALUE})")
  int slices = 150;

  @Option(names = "--heap", description = "the operator JVM's -Xmx (default ${DEFAULT-VALUE})")
  String heap = "512m";

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Override
  public Integer call() throws Exception {
    CommandLine cmd = spec.commandLine();
    if (series < 1 || series > 10_000) throw new CommandLine.ParameterException(cmd, "--series must be 1..10000");
    if (concurrency < 1 || concurrency > 64) throw new CommandLine.ParameterException(cmd, "--concurrency must be 1..64");
    if (size < 64 || size > 1024) throw new CommandLine.ParameterException(cmd, "--size must be 64..1024");
    if (slices < 8 || slices > 4096) throw new CommandLine.ParameterException(cmd, "--slices must be 8..4096");
    if (!heap.matches("\\d+[mMgG]")) throw new CommandLine.ParameterException(cmd, "--heap must be like 256m or 1g");
    Path work = Files.createTempDirectory("secaimed-bench-cohort-");
    try {
      CohortBenchmark.Report r = CohortBenchmark.run(work, series, concurrency, size, slices, heap,
          msg -> cmd.getErr().println("bench cohort: " + msg));
      PrintWriter out = cmd.getOut();
      if (json) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("series", r.series());
        o.put("concurrency", r.concurrency());
        o.put("cores", Runtime.getRuntime().availableProcessors());
        o.put("size", r.size());
        o.put("slices", r.slices());
        o.put("seriesBytes", r.seriesBytes());
        o.put("aloneSeconds", r.aloneSeconds());
        o.put("cohortSeconds", r.cohortSeconds());
        o.put("seriesPerMinuteAlone", r.seriesPerMinuteAlone());
        o.put("seriesPerMinute", r.seriesPerMinute());
        o.put("speedup", r.speedup());
        o.put("parallelEfficiency", r.parallelEfficiency());
        o.put("efficiencyGoal", EFFICIENCY_GOAL);
        o.put("heap", r.heap());
        o.put("maxHeapBytes", r.maxHeapBytes());
        o.put("peakHeapUsedSampledBytes", r.peakHeapUsedSampledBytes());
        o.put("maxLiveAfterGcBytes", r.maxLiveAfterGcBytes());
        o.put("insecureDevEnclave", true);
        o.put("enclaveSharesTheCores", true);
        JsonOutput.print(out, o);
      } else {
        out.printf("bench cohort: %d series of %dx%dx%d (%.0f MB DICOM each), %d at a time, operator -Xmx%s, INSECURE dev enclave on the same %d cores%n",
            r.series(), r.size(), r.size(), r.slices(), r.seriesBytes() / 1e6, r.concurrency(), r.heap(),
            Runtime.getRuntime().availableProcessors());
        out.printf("%-34s %12s %12s%n", "", "one alone", "cohort");
        out.printf("%-34s %12.2f %12.2f%n", "seconds", r.aloneSeconds(), r.cohortSeconds());
        out.printf("%-34s %12.2f %12.2f%n", "series per minute", r.seriesPerMinuteAlone(), r.seriesPerMinute());
        out.printf("speedup %.2fx with %d at a time; parallel efficiency %.2f (goal >= %.2f)%n", r.speedup(), r.concurrency(),
            r.parallelEfficiency(), EFFICIENCY_GOAL);
        out.printf("operator heap: max live after GC %.0f MiB, peak in use %.0f MiB (before each collection, sampled after the last), of -Xmx %.0f MiB%n",
            r.maxLiveAfterGcBytes() / 1048576.0, r.peakHeapUsedSampledBytes() / 1048576.0, r.maxHeapBytes() / 1048576.0);
      }
      out.flush();
      return SecaimedCli.EXIT_OK;
    } finally {
      try (Stream<Path> s = Files.walk(work)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
