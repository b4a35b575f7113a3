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
        "per minute with K at a time next to one series alone (median of several, same run), the parallel",
        "efficiency, the cores the operator and the enclave kept busy, and the operator's heap: the peak, and",
        "the live set after a full GC every 10 series (flat = bounded whatever N).",
        "For a large series at a small heap: --series 1 --concurrency 1 --alone 0 --slices 2100 --heap 256m."})
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

  @Option(names = "--alone", paramLabel = "R", description = "series run alone after a warm-up one, whose median is the baseline (default ${DEFAULT-VALUE}; 0: no warm-up, no baseline)")
  int alone = 3;

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
    if (alone < 0 || alone > 20) throw new CommandLine.ParameterException(cmd, "--alone must be 0..20");
    if (!heap.matches("\\d+[mMgG]")) throw new CommandLine.ParameterException(cmd, "--heap must be like 256m or 1g");
    Path work = Files.createTempDirectory("secaimed-bench-cohort-");
    try {
      CohortBenchmark.Report r = CohortBenchmark.run(work, series, concurrency, size, slices, alone, heap,
          msg -> cmd.getErr().println("bench cohort: " + msg));
      PrintWriter out = cmd.getOut();
      if (json) JsonOutput.print(out, json(r));
      else printText(out, r);
      out.flush();
      return SecaimedCli.EXIT_OK;
    } finally {
      try (Stream<Path> s = Files.walk(work)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static Map<String, Object> json(CohortBenchmark.Report r) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("series", r.series());
    o.put("concurrency", r.concurrency());
    o.put("cores", Runtime.getRuntime().availableProcessors());
    o.put("size", r.size());
    o.put("slices", r.slices());
    o.put("seriesBytes", r.seriesBytes());
    o.put("loadAverageBefore", r.loadBefore());
    o.put("loadAverageAfter", r.loadAfter());
    boolean baseline = !r.aloneRunsSeconds().isEmpty();
    if (baseline) {
      o.put("aloneSeconds", r.aloneSeconds());
      o.put("aloneRunsSeconds", r.aloneRunsSeconds());
    }
    o.put("cohortSeconds", r.cohortSeconds());
    o.put("cohortCheckpointGcSeconds", r.checkpointGcSeconds());
    if (baseline) o.put("seriesPerMinuteAlone", r.seriesPerMinuteAlone());
    o.put("seriesPerMinute", r.seriesPerMinute());
    if (baseline) {
      o.put("speedup", r.speedup());
      o.put("parallelEfficiency", r.parallelEfficiency());
      o.put("efficiencyGoal", EFFICIENCY_GOAL);
      o.put("coresBusyAlone", Map.of("operator", r.aloneCores().operator(), "enclave", r.aloneCores().enclave()));
      o.put("efficiencyCeiling", r.efficiencyCeiling());
      o.put("efficiencyCeilingIs", "cores / (K x cores busy alone): the efficiency if each series cost the cohort the CPU it cost alone");
      o.put("cpuSecondsPerSeriesAlone", r.cpuSecondsPerSeriesAlone());
    }
    o.put("coresBusyCohort", Map.of("operator", r.cohortCores().operator(), "enclave", r.cohortCores().enclave()));
    o.put("cohortCoreShare", r.cohortCoreShare());
    o.put("cpuSecondsPerSeriesCohort", r.cpuSecondsPerSeriesCohort());
    if (baseline) o.put("aloneStepSecondsPerSeries", r.aloneStepSeconds());
    o.put("operatorJitSeconds", r.operatorJitSeconds());
    o.put("cohortStepSecondsPerSeries", r.cohortStepSeconds());
    CohortBenchmark.Heap h = r.heap();
    o.put("heap", h.xmx());
    o.put("maxHeapBytes", h.maxHeapBytes());
    o.put("peakHeapUsedSampledBytes", h.peakHeapUsedSampledBytes());
    o.put("maxLiveAfterGcBytes", h.maxLiveAfterGcBytes());
    o.put("liveHeapAfterFullGc", h.liveAfterFullGc().stream().map(c -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("label", c.label());
      m.put("seriesDone", c.seriesDone());
      m.put("liveBytes", c.liveBytes());
      return m;
    }).toList());
    o.put("insecureDevEnclave", true);
    o.put("enclaveSharesTheCores", true);
    return o;
  }

  private static void printText(PrintWriter out, CohortBenchmark.Report r) {
    int cores = Runtime.getRuntime().availableProcessors();
    out.printf("bench cohort: %d series of %dx%dx%d (%.0f MB DICOM each), %d at a time, operator -Xmx%s, INSECURE dev enclave on the same %d cores%n",
        r.series(), r.size(), r.size(), r.slices(), r.seriesBytes() / 1e6, r.concurrency(), r.heap().xmx(), cores);
    out.printf("load average before %s, after %s%n", r.loadBefore(), r.loadAfter());
    if (r.aloneRunsSeconds().isEmpty()) {
      out.printf("cohort: %.2f s, %.2f series per minute; cores busy: operator %.2f, enclave %.2f (no baseline: --alone 0)%n", r.cohortSeconds(),
          r.seriesPerMinute(), r.cohortCores().operator(), r.cohortCores().enclave());
    } else {
      printThroughput(out, r, cores);
    }
    printHeap(out, r.heap());
  }

  private static void printThroughput(PrintWriter out, CohortBenchmark.Report r, int cores) {
    out.printf("%-34s %12s %12s%n", "", "one alone", "cohort");
    out.printf("%-34s %12.2f %12.2f   (alone: median of %s)%n", "seconds", r.aloneSeconds(), r.cohortSeconds(),
        String.join(" ", r.aloneRunsSeconds().stream().map(x -> String.format("%.2f", x)).toList()));
    out.printf("%-34s %12.2f %12.2f%n", "series per minute", r.seriesPerMinuteAlone(), r.seriesPerMinute());
    out.printf("%-34s %12.2f %12.2f%n", "cores busy: operator", r.aloneCores().operator(), r.cohortCores().operator());
    out.printf("%-34s %12.2f %12.2f%n", "cores busy: enclave", r.aloneCores().enclave(), r.cohortCores().enclave());
    out.printf("%-34s %12.2f %12.2f%n", "CPU seconds per series (both)", r.cpuSecondsPerSeriesAlone(), r.cpuSecondsPerSeriesCohort());
    out.printf("speedup %.2fx with %d at a time; parallel efficiency %.2f (goal >= %.2f)%n", r.speedup(), r.concurrency(),
        r.parallelEfficiency(), EFFICIENCY_GOAL);
    out.printf("  one series alone kept %.2f of %d cores busy: at the CPU it cost alone, no cohort passes efficiency %.2f;"
        + " the cohort kept %.0f %% of the cores busy%n", r.aloneCores().total(), cores, r.efficiencyCeiling(), 100 * r.cohortCoreShare());
    out.printf("seconds per series by step (wall; in the cohort each series shares the cores with K - 1 others):%n");
    for (var e : r.cohortStepSeconds().entrySet()) {
      Double a = r.aloneStepSeconds().get(e.getKey());
      out.printf("  %-32s %12.2f %12.2f%s%n", e.getKey(), a == null ? Double.NaN : a, e.getValue(),
          a == null || a < 0.01 ? "" : String.format("   x%.2f", e.getValue() / a));
    }
    out.printf("  (the operator's JIT compiler ran %.2f s during the alone series, %.2f s during the cohort; in the cohort %.2f of %d cores were busy)%n",
        r.operatorJitSeconds().getOrDefault("alone", Double.NaN), r.operatorJitSeconds().getOrDefault("cohort", Double.NaN),
        r.cohortCores().total(), cores);
  }

  private static void printHeap(PrintWriter out, CohortBenchmark.Heap h) {
    StringBuilder live = new StringBuilder();
    for (var c : h.liveAfterFullGc()) {
      if (live.length() > 0) live.append("; ");
      live.append(c.label().startsWith("cohort") ? c.seriesDone() + " series done" : c.label()).append(' ')
          .append(String.format("%.0f MiB", c.liveBytes() / 1048576.0));
    }
    out.printf("operator heap, live after a full GC (K series in flight, except when idle): %s%n", live);
    out.printf("operator heap: max live after GC %.0f MiB, peak in use %.0f MiB (before each collection, sampled after the last), of -Xmx %.0f MiB%n",
        h.maxLiveAfterGcBytes() / 1048576.0, h.peakHeapUsedSampledBytes() / 1048576.0, h.maxHeapBytes() / 1048576.0);
  }
}
