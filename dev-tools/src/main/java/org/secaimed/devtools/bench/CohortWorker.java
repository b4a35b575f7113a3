package org.secaimed.devtools.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.dicom.pipeline.BridgePipeline;
import org.secaimed.dicom.pipeline.DirectorySegDestination;
import org.secaimed.dicom.pipeline.PipelineListener;
import org.secaimed.kaapana.cli.JsonOutput;

/**
 * The operator side of {@code bench cohort}, in a child JVM with the heap under test: the same
 * {@link BridgePipeline} as {@code kaapana run} (attest, pull + seal + upload, submit, await, open
 * and verify, SEG write-back, record). One worker runs a warm-up series (class loading, the JIT,
 * the enclave's first task; not counted), then R series one after the other, whose median is
 * the one-series baseline (R = 0: neither); then N series with K at a time, each worker with its
 * own gateway session. Every {@value #CHECKPOINT_EVERY} series of the cohort a full collection
 * measures the live heap (its pause is taken out of the cohort's time). Prints one JSON line.
 * Arguments: enclave URL, template dir, size, slices, seed, N, K, R, work dir.
 */
public final class CohortWorker {
  static final int CHECKPOINT_EVERY = 10;

  private CohortWorker() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    Path template = Path.of(args[1]);
    int size = Integer.parseInt(args[2]);
    int slices = Integer.parseInt(args[3]);
    long seed = Long.parseLong(args[4]);
    int n = Integer.parseInt(args[5]);
    int k = Integer.parseInt(args[6]);
    int aloneRuns = Integer.parseInt(args[7]);
    Path work = Path.of(args[8]);
    PhantomSeries series = new PhantomSeries(CtPhantom.builder().size(size, size, slices).seed(seed).build());
    int first = aloneRuns == 0 ? 0 : 1 + aloneRuns;
    CohortSource source = new CohortSource(template, series, first + n);
    KemKeyPair siteKey = KemKeyPair.generate(HpkeSuite.DEFAULT);

    HeapWatch heap = HeapWatch.start();
    LiveHeap live = new LiveHeap();
    if (aloneRuns > 0) {
      runAll(url, source, siteKey, List.of(0), 1, work.resolve("warm-up"), PipelineListener.SILENT, done -> {});
      live.take("idle after the warm-up", 0);
    }
    long jit0 = jitMillis();
    CpuClock.Reading a0 = CpuClock.read();
    List<Integer> aloneIndices = new ArrayList<>();
    for (int i = 1; i < first; i++) aloneIndices.add(i);
    StepTimes aloneSteps = new StepTimes();
    List<Double> alone = runAll(url, source, siteKey, aloneIndices, 1, work.resolve("alone"), aloneSteps, done -> {});
    if (!alone.isEmpty()) System.err.printf("bench cohort: alone %s s%n", alone.stream().map(x -> String.format("%.2f", x)).toList());
    CpuClock.Reading a1 = CpuClock.read();
    long jit1 = jitMillis();
    List<Integer> cohort = new ArrayList<>();
    for (int i = first; i < first + n; i++) cohort.add(i);
    long t1 = System.nanoTime();
    StepTimes cohortSteps = new StepTimes();
    List<Double> cohortSeries = runAll(url, source, siteKey, cohort, k, work.resolve("cohort"), cohortSteps, done -> {
      if (done % CHECKPOINT_EVERY == 0 && done < n) {
        LiveHeap.Checkpoint c = live.take("cohort in flight", done);
        System.err.printf("bench cohort: %d/%d series done after %.0f s; live heap after a full GC %.0f MiB%n", done, n,
            (System.nanoTime() - t1) / 1e9, c.liveBytes() / 1048576.0);
      }
    });
    double cohortWall = (System.nanoTime() - t1) / 1e9;
    CpuClock.Reading c1 = CpuClock.read();
    long jit2 = jitMillis();
    live.take("idle after the cohort", n);
    HeapWatch.Figures h = heap.stop();

    Map<String, Object> r = new LinkedHashMap<>();
    r.put("aloneSeconds", alone.isEmpty() ? Double.NaN : median(alone));
    r.put("aloneRunsSeconds", alone);
    r.put("cohortSeconds", cohortWall - live.gcSeconds("cohort"));
    r.put("cohortCheckpointGcSeconds", live.gcSeconds("cohort"));
    r.put("aloneCores", cores(a1.coresSince(a0)));
    // The operator JVM's JIT compiler time per phase: CPU that the phase's "cores busy" includes but later series will not pay.
    r.put("operatorJitSeconds", Map.of("alone", (jit1 - jit0) / 1e3, "cohort", (jit2 - jit1) / 1e3));
    if (!alone.isEmpty()) r.put("aloneStepSeconds", aloneSteps.perSeries(alone.size(), mean(alone)));
    r.put("cohortStepSeconds", cohortSteps.perSeries(cohortSeries.size(), mean(cohortSeries)));
    r.put("cohortCores", cores(c1.coresSince(a1)));
    r.put("maxHeapBytes", h.maxHeap());
    r.put("peakHeapUsedSampledBytes", h.peakUsedSampled());
    r.put("peakHeapPoolSumBytes", h.peakPoolSum());
    r.put("maxLiveAfterGcBytes", h.maxLiveAfterGc());
    List<Map<String, Object>> checkpoints = new ArrayList<>();
    for (LiveHeap.Checkpoint c : live.checkpoints()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("label", c.label());
      m.put("seriesDone", c.seriesDone());
      m.put("liveBytes", c.liveBytes());
      checkpoints.add(m);
    }
    r.put("liveHeapCheckpoints", checkpoints);
    System.out.println(JsonOutput.mapper().writeValueAsString(r));
  }

  private static Map<String, Object> cores(double[] operatorEnclave) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("operator", operatorEnclave[0]);
    m.put("enclave", operatorEnclave[1]);
    return m;
  }

  private static long jitMillis() {
    var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
  }

  static double mean(List<Double> v) {
    return v.stream().mapToDouble(d -> d).average().orElse(Double.NaN);
  }

  static double median(List<Double> v) {
    double[] a = v.stream().mapToDouble(d -> d).sorted().toArray();
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  /**
   * Runs the series with {@code k} workers, each with its own session, run folders and SEG folder;
   * returns each series' seconds, in the order of {@code indices}. {@code onSeriesDone} hears the
   * count of series finished so far, on the worker that finished one.
   */
  private static List<Double> runAll(String url, CohortSource source, KemKeyPair siteKey, List<Integer> indices, int k, Path work,
      PipelineListener steps, IntConsumer onSeriesDone) throws Exception {
    Double[] seconds = new Double[indices.size()];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(k);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < k; w++) {
        Path dir = Files.createDirectories(work.resolve("worker-" + w));
        workers.add(pool.submit(() -> {
          BridgePipeline pipeline = pipeline(url, source, siteKey, dir, steps);
          for (int j; (j = next.getAndIncrement()) < indices.size(); ) {
            int i = indices.get(j);
            long t = System.nanoTime();
            pipeline.segmentSeries(source.seriesUid(i), dir.resolve("series-" + i));
            seconds[j] = (System.nanoTime() - t) / 1e9;
            onSeriesDone.accept(done.incrementAndGet());
          }
          return null;
        }));
      }
      for (Future<?> f : workers) f.get();
    } finally {
      pool.shutdownNow();
    }
    return List.of(seconds);
  }

  private static BridgePipeline pipeline(String url, CohortSource source, KemKeyPair siteKey, Path dir, PipelineListener steps)
      throws Exception {
    GatewaySession gateway = GatewaySession.builder(url).policy(Policy.resource("policies/dev.yaml")).site(siteKey)
        .checkpointStore(dir.resolve("checkpoints")).workDir(dir.resolve("tmp")).pollInterval(Duration.ofMillis(50)).build();
    TaskReceipt.Algorithm algorithm = BridgePipeline.resolveAlgorithm(gateway, EnclaveBenchmark.ALGORITHM, null);
    return BridgePipeline.builder().gateway(gateway).siteKey(siteKey).source(source)
        .destination(new DirectorySegDestination(dir.resolve("segs")))
        .algorithm(algorithm).taskTimeout(Duration.ofMinutes(30)).listener(steps).build();
  }
}
