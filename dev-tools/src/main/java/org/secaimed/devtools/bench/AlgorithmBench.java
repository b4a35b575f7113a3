package org.secaimed.devtools.bench;

import org.secaimed.connector.io.Digests;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.secaimed.enclave.server.algorithms.AlgorithmRunner;
import org.secaimed.enclave.server.algorithms.EnclaveAlgorithms;
import org.secaimed.enclave.server.algorithms.ProgressListener;
import org.secaimed.enclave.server.algorithms.TaskKind;
import org.secaimed.enclave.server.algorithms.TaskRequest;
import org.secaimed.enclave.server.algorithms.ct.CtBodyLungsBone;
import org.secaimed.enclave.server.algorithms.metrics.OverlapMetrics;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.dicom.exchange.ResultPayload;
import org.secaimed.dicom.exchange.ResultPayloads;
import org.secaimed.dicom.exchange.StudyArchiveWriter;

/**
 * Measures the enclave-side compute of one segmentation task on a generated CT phantom: archive
 * write, the whole runner task (read + verify + assemble + segment + write result) and the
 * segmentation alone, each against a baseline measured in the same run (one pass over the same
 * bytes / voxels), and the Dice per structure. Prints one JSON object. Usage:
 * {@code AlgorithmBench [columns rows slices [seed]]}, default 512 512 300.
 */
public final class AlgorithmBench {
  private AlgorithmBench() {}

  public static Map<String, Object> run(int columns, int rows, int slices, long seed) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("size", columns + "x" + rows + "x" + slices);
    PhantomSeries series = new PhantomSeries(CtPhantom.builder().size(columns, rows, slices).seed(seed).build());

    long t0 = System.nanoTime();
    ByteArrayOutputStream archive = new ByteArrayOutputStream(columns * rows * slices * 2 + (1 << 20));
    try (StudyArchiveWriter w = StudyArchiveWriter.open(archive)) {
      for (int k = 0; k < slices; k++) w.add(series.instance(k));
    }
    double generateAndArchive = seconds(t0);
    byte[] bytes = archive.toByteArray();
    out.put("archiveMB", bytes.length / 1e6);
    out.put("phantomAndArchiveSeconds", generateAndArchive);

    // Baseline for the task: reading the same bytes once and hashing them (what any consumer must do).
    t0 = System.nanoTime();
    java.security.MessageDigest md = Digests.sha256();
    md.update(bytes);
    double hashBaseline = seconds(t0);
    out.put("baselineSha256Seconds", hashBaseline);

    Path models = Files.createTempDirectory("secaimed-bench-models");
    try {
      AlgorithmRunner runner = EnclaveAlgorithms.runner(models);
      var d = runner.catalogue().find(CtBodyLungsBone.ID).orElseThrow();
      ByteArrayOutputStream result = new ByteArrayOutputStream();
      t0 = System.nanoTime();
      runner.run(new TaskRequest(TaskKind.SEGMENTATION, d.id(), d.version(), d.digest(), Map.of()),
          List.of(new ByteArrayInputStream(bytes)), result, ProgressListener.NONE);
      double task = seconds(t0);
      out.put("taskSeconds", task);
      out.put("taskOverSha256Baseline", task / hashBaseline);

      var payload = (ResultPayload.Segmentation) ResultPayloads.read(new ByteArrayInputStream(result.toByteArray()));
      double segSeconds = payload.metrics().stream().filter(m -> m.name().equals("seconds")).findFirst().orElseThrow().value();
      out.put("segmentationSeconds", segSeconds);
      // Baseline for the segmentation: one threshold pass over the same voxels.
      var image = series.phantom().image();
      short[] v = image.voxels();
      byte[] m = new byte[v.length];
      t0 = System.nanoTime();
      IntStream.range(0, slices).parallel().forEach(k -> {
        for (int i = k * columns * rows, e = i + columns * rows; i < e; i++) m[i] = (byte) (v[i] > -500 ? 1 : 0);
      });
      double thresholdBaseline = seconds(t0);
      out.put("baselineThresholdSeconds", thresholdBaseline);
      out.put("segmentationOverThresholdBaseline", segSeconds / thresholdBaseline);
      byte[] truth = series.phantom().truth().labels();
      Map<String, Double> dice = new LinkedHashMap<>();
      for (var s : CtBodyLungsBone.SEGMENTS) dice.put(s.label(), OverlapMetrics.dice(payload.labels().labels(), s.number(), truth, s.number()));
      out.put("dice", dice);
      out.put("resultMB", result.size() / 1e6);
    } finally {
      try (var s = Files.walk(models)) {
        for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
    return out;
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  public static void main(String[] args) throws Exception {
    int c = args.length > 0 ? Integer.parseInt(args[0]) : 512, r = args.length > 1 ? Integer.parseInt(args[1]) : 512;
    int s = args.length > 2 ? Integer.parseInt(args[2]) : 300;
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
    Map<String, Object> result = run(c, r, s, seed);
    System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
  }

}
