package org.secaimed.devtools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.secaimed.devtools.enclave.DevEnclave;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.enclave.server.EnclaveServer;
import org.secaimed.kaapana.cli.JsonOutput;

/**
 * Cohort throughput and the operator's memory: a dev enclave in this process, the operator
 * ({@link CohortWorker}) in a child JVM whose heap is capped, so the heap figures are the
 * operator's alone. The median of several series run alone is the baseline of the same run; then
 * N series, K at a time. Both share this machine's cores with the enclave, which runs every task:
 * the cores each side kept busy are measured per phase, which says what bounds the speedup.
 */
public final class CohortBenchmark {
  /** CPU cores kept busy during a phase by the operator JVM and by the enclave's process (NaN where unknown). */
  public record Cores(double operator, double enclave) {
    static Cores of(JsonNode n) {
      return new Cores(n.get("operator").asDouble(), n.get("enclave").asDouble());
    }

    public double total() {
      return operator + enclave;
    }
  }

  /** The operator's heap: the cap, the sampled peak (garbage included), and the live set after full collections. */
  public record Heap(String xmx, long maxHeapBytes, long peakHeapUsedSampledBytes, long maxLiveAfterGcBytes,
      List<LiveHeap.Checkpoint> liveAfterFullGc) {}

  /** Seconds and bytes as measured; throughput and efficiency follow from them. */
  public record Report(int series, int concurrency, int cores, int size, int slices, long seriesBytes, double aloneSeconds,
      List<Double> aloneRunsSeconds, double cohortSeconds, double checkpointGcSeconds, Cores aloneCores, Cores cohortCores, Heap heap,
      String loadBefore, String loadAfter, Map<String, Double> aloneStepSeconds, Map<String, Double> cohortStepSeconds,
      Map<String, Double> operatorJitSeconds) {
    public double seriesPerMinuteAlone() {
      return 60 / aloneSeconds;
    }

    public double seriesPerMinute() {
      return series * 60 / cohortSeconds;
    }

    /** Cohort throughput over K × the one-series throughput (1.0 = K series take as long as one). */
    public double parallelEfficiency() {
      return seriesPerMinute() / (concurrency * seriesPerMinuteAlone());
    }

    public double speedup() {
      return seriesPerMinute() / seriesPerMinuteAlone();
    }

    /** CPU seconds of both sides (operator and enclave) per series alone: the cores they kept busy × the mean series. */
    public double cpuSecondsPerSeriesAlone() {
      return aloneCores.total() * aloneRunsSeconds.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** The same in the cohort (its wall time includes the checkpoints' collections, as its CPU figure does). */
    public double cpuSecondsPerSeriesCohort() {
      return cohortCores.total() * (cohortSeconds + checkpointGcSeconds) / series;
    }

    /**
     * The efficiency the cohort could reach if each series cost it the CPU it cost alone and every
     * core were busy: cores / (K × the cores one series kept busy), at most 1. Once one series alone
     * keeps most of the cores busy (the enclave parsing while the site seals: streamed ingest), no
     * cohort can be K times as fast as it; beating this ceiling means a series costs less CPU in the cohort.
     */
    public double efficiencyCeiling() {
      return Math.min(1, cores / (concurrency * aloneCores.total()));
    }

    /** The share of the machine's cores the cohort kept busy (both sides). */
    public double cohortCoreShare() {
      return cohortCores.total() / cores;
    }
  }

  private CohortBenchmark() {}

  public static Report run(Path work, int series, int concurrency, int size, int slices, int aloneRuns, String heap, Consumer<String> log)
      throws Exception {
    long seed = 20261207L;
    PhantomSeries template = new PhantomSeries(CtPhantom.builder().size(size, size, slices).seed(seed).build());
    log.accept("writing the template series " + size + "x" + size + "x" + slices + " (not timed)");
    long bytes = 0;
    for (Path p : template.writeTo(work.resolve("template"))) bytes += java.nio.file.Files.size(p);
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    try (DevEnclave enclave = DevEnclave.start(EnclaveServer.Config.defaults(work.resolve("enclave-state")), quiet)) {
      log.accept(String.format("operator JVM -Xmx%s: %s, then %d series %d at a time (%.0f MB each); load %s",
          heap, aloneRuns == 0 ? "no baseline" : "a warm-up series, " + aloneRuns + " alone", series, concurrency, bytes / 1e6, HostLoad.averages()));
      String loadBefore = HostLoad.averages();
      JsonNode r = child(heap, enclave.baseUrl(), work.resolve("template"), size, slices, seed, series, concurrency, aloneRuns,
          work.resolve("runs"));
      List<Double> aloneSeconds = new ArrayList<>();
      r.get("aloneRunsSeconds").forEach(x -> aloneSeconds.add(x.asDouble()));
      List<LiveHeap.Checkpoint> checkpoints = new ArrayList<>();
      r.get("liveHeapCheckpoints").forEach(c -> checkpoints.add(new LiveHeap.Checkpoint(c.get("label").asText(),
          c.get("seriesDone").asInt(), c.get("liveBytes").asLong(), 0)));
      Heap h = new Heap(heap, r.get("maxHeapBytes").asLong(), r.get("peakHeapUsedSampledBytes").asLong(),
          r.get("maxLiveAfterGcBytes").asLong(), checkpoints);
      return new Report(series, concurrency, Runtime.getRuntime().availableProcessors(), size, slices, bytes, r.get("aloneSeconds").asDouble(), aloneSeconds,
          r.get("cohortSeconds").asDouble(), r.get("cohortCheckpointGcSeconds").asDouble(), Cores.of(r.get("aloneCores")),
          Cores.of(r.get("cohortCores")), h, loadBefore, HostLoad.averages(), steps(r.get("aloneStepSeconds")), steps(r.get("cohortStepSeconds")),
          steps(r.get("operatorJitSeconds")));
    }
  }

  private static Map<String, Double> steps(JsonNode n) {
    Map<String, Double> m = new LinkedHashMap<>();
    if (n != null) n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asDouble()));
    return m;
  }

  private static JsonNode child(String heap, String url, Path template, int size, int slices, long seed, int n, int k, int aloneRuns,
      Path work)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), CohortWorker.class.getName(),
        url, template.toString(), Integer.toString(size), Integer.toString(slices), Long.toString(seed), Integer.toString(n),
        Integer.toString(k), Integer.toString(aloneRuns), work.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    if (p.waitFor() != 0) throw new IOException("the operator JVM failed (exit " + p.exitValue() + "): " + lastLine(out));
    return JsonOutput.mapper().readTree(lastLine(out));
  }

  private static String lastLine(String s) {
    return s.substring(s.lastIndexOf('\n') + 1);
  }
}
