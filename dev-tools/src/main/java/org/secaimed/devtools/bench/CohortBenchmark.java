package org.secaimed.devtools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.secaimed.devtools.enclave.DevEnclave;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.enclave.server.EnclaveServer;
import org.secaimed.kaapana.cli.JsonOutput;

/**
 * Cohort throughput and the operator's memory: a dev enclave in this process, the operator
 * ({@link CohortWorker}) in a child JVM whose heap is capped, so the heap figures are the
 * operator's alone. One series alone is the baseline of the same run; then N series, K at a time.
 * Both share this machine's cores with the enclave, which runs every task.
 */
public final class CohortBenchmark {
  /** Seconds and bytes as measured; throughput and efficiency follow from them. */
  public record Report(int series, int concurrency, int size, int slices, long seriesBytes, String heap, double aloneSeconds,
      double cohortSeconds, long maxHeapBytes, long peakHeapUsedSampledBytes, long maxLiveAfterGcBytes) {
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
  }

  private CohortBenchmark() {}

  public static Report run(Path work, int series, int concurrency, int size, int slices, String heap, Consumer<String> log)
      throws Exception {
    long seed = 20261207L;
    PhantomSeries template = new PhantomSeries(CtPhantom.builder().size(size, size, slices).seed(seed).build());
    log.accept("writing the template series " + size + "x" + size + "x" + slices + " (not timed)");
    long bytes = 0;
    for (Path p : template.writeTo(work.resolve("template"))) bytes += java.nio.file.Files.size(p);
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    try (DevEnclave enclave = DevEnclave.start(EnclaveServer.Config.defaults(work.resolve("enclave-state")), quiet)) {
      log.accept(String.format("operator JVM -Xmx%s: one series alone, then %d series %d at a time (%.0f MB each)", heap, series,
          concurrency, bytes / 1e6));
      JsonNode r = child(heap, enclave.baseUrl(), work.resolve("template"), size, slices, seed, series, concurrency, work.resolve("runs"));
      return new Report(series, concurrency, size, slices, bytes, heap, r.get("aloneSeconds").asDouble(),
          r.get("cohortSeconds").asDouble(), r.get("maxHeapBytes").asLong(), r.get("peakHeapUsedSampledBytes").asLong(),
          r.get("maxLiveAfterGcBytes").asLong());
    }
  }

  private static JsonNode child(String heap, String url, Path template, int size, int slices, long seed, int n, int k, Path work)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), CohortWorker.class.getName(),
        url, template.toString(), Integer.toString(size), Integer.toString(slices), Long.toString(seed), Integer.toString(n),
        Integer.toString(k), work.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    if (p.waitFor() != 0) throw new IOException("the operator JVM failed (exit " + p.exitValue() + "): " + lastLine(out));
    return JsonOutput.mapper().readTree(lastLine(out));
  }

  private static String lastLine(String s) {
    return s.substring(s.lastIndexOf('\n') + 1);
  }
}
