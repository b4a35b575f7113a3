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
 * and verify, SEG write-back, record) for a warm-up series, one series alone, then N series with K at a time,
 * each worker with its own gateway session. Prints one JSON line.
 * Arguments: enclave URL, template dir, size, slices, seed, N, K, work dir.
 */
public final class CohortWorker {
  private CohortWorker() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    Path template = Path.of(args[1]);
    int size = Integer.parseInt(args[2]);
    int slices = Integer.parseInt(args[3]);
    long seed = Long.parseLong(args[4]);
    int n = Integer.parseInt(args[5]);
    int k = Integer.parseInt(args[6]);
    Path work = Path.of(args[7]);
    PhantomSeries series = new PhantomSeries(CtPhantom.builder().size(size, size, slices).seed(seed).build());
    CohortSource source = new CohortSource(template, series, n + 2);
    KemKeyPair siteKey = KemKeyPair.generate(HpkeSuite.DEFAULT);

    HeapWatch heap = HeapWatch.start();
    // One worker, two series: the first warms both JVMs (class loading, the JIT, the session's
    // attestation, the enclave's first task) and is not counted; the second is the baseline.
    List<Double> alone = runAll(url, source, siteKey, List.of(0, 1), 1, work.resolve("alone"));
    double aloneSeconds = alone.get(1);
    List<Integer> cohort = new ArrayList<>();
    for (int i = 2; i < n + 2; i++) cohort.add(i);
    long t1 = System.nanoTime();
    runAll(url, source, siteKey, cohort, k, work.resolve("cohort"));
    double cohortSeconds = (System.nanoTime() - t1) / 1e9;
    HeapWatch.Figures h = heap.stop();

    Map<String, Object> r = new LinkedHashMap<>();
    r.put("aloneSeconds", aloneSeconds);
    r.put("cohortSeconds", cohortSeconds);
    r.put("maxHeapBytes", h.maxHeap());
    r.put("peakHeapUsedSampledBytes", h.peakUsedSampled());
    r.put("peakHeapPoolSumBytes", h.peakPoolSum());
    r.put("maxLiveAfterGcBytes", h.maxLiveAfterGc());
    System.out.println(JsonOutput.mapper().writeValueAsString(r));
  }

  /**
   * Runs the series with {@code k} workers, each with its own session, run folders and SEG folder;
   * returns each series' seconds, in the order of {@code indices}.
   */
  private static List<Double> runAll(String url, CohortSource source, KemKeyPair siteKey, List<Integer> indices, int k, Path work)
      throws Exception {
    Double[] seconds = new Double[indices.size()];
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(k);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < k; w++) {
        Path dir = Files.createDirectories(work.resolve("worker-" + w));
        workers.add(pool.submit(() -> {
          BridgePipeline pipeline = pipeline(url, source, siteKey, dir);
          for (int j; (j = next.getAndIncrement()) < indices.size(); ) {
            int i = indices.get(j);
            long t = System.nanoTime();
            pipeline.segmentSeries(source.seriesUid(i), dir.resolve("series-" + i));
            seconds[j] = (System.nanoTime() - t) / 1e9;
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

  private static BridgePipeline pipeline(String url, CohortSource source, KemKeyPair siteKey, Path dir) throws Exception {
    GatewaySession gateway = GatewaySession.builder(url).policy(Policy.resource("policies/dev.yaml")).site(siteKey)
        .checkpointStore(dir.resolve("checkpoints")).workDir(dir.resolve("tmp")).pollInterval(Duration.ofMillis(50)).build();
    TaskReceipt.Algorithm algorithm = BridgePipeline.resolveAlgorithm(gateway, EnclaveBenchmark.ALGORITHM, null);
    return BridgePipeline.builder().gateway(gateway).siteKey(siteKey).source(source)
        .destination(new DirectorySegDestination(dir.resolve("segs")))
        .algorithm(algorithm).taskTimeout(Duration.ofMinutes(30)).listener(PipelineListener.SILENT).build();
  }
}
