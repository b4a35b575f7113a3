package org.secaimed.devtools.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secaimed.devtools.bench.EnclaveBenchmark.Stages;
import org.secaimed.devtools.bench.LinkBenchmark;
import org.secaimed.devtools.bench.LinkBenchmark.LinkPath;
import org.secaimed.kaapana.cli.JsonOutput;

/** Prints {@code bench enclave --link-mbps}: every path next to the naive plaintext baseline of the same run. */
final class BenchLinkOutput {
  static final double GOAL = 0.70;

  private BenchLinkOutput() {}

  /** The real CT slices of the shared test data, next to a developer's checkout (absent in an image). */
  static Path realCt() {
    Path root = Path.of(System.getProperty("secaimed.repo.root", "."));
    Path dir = root.resolve("../shared/testdata/dicom/ct-3slice-dcmqi").normalize();
    return Files.isDirectory(dir) ? dir : null;
  }

  static void json(PrintWriter out, LinkBenchmark.Report r) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("size", r.size());
    o.put("slices", r.slices());
    o.put("dicomBytes", r.dicomBytes());
    o.put("studyZstdRatio", r.studyZstdRatio());
    o.put("studySealedRatio", r.studySealedRatio());
    o.put("realCtZstdRatio", r.realCtZstdRatio());
    o.put("archiveBytes", r.archiveBytes());
    if (r.jpegLs() != null) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("transferSyntax", "1.2.840.10008.1.2.4.80 (JPEG-LS lossless, encoded by dcmcjpls before timing)");
      j.put("dicomBytes", r.jpegLs().dicomBytes());
      j.put("archiveBytes", r.jpegLs().archiveBytes());
      j.put("ratioToUncompressedArchive", r.jpegLs().ratioToArchive());
      j.put("sealedWith", "no zstd (already compressed)");
      j.put("decodeSeconds", r.jpegLs().decode().decodeSeconds());
      double mbps = r.jpegLs().decode().decodeMBps();
      j.put("decodeMBps", Double.isFinite(mbps) ? mbps : null);
      j.put("parseWithPixelsSeconds", r.jpegLs().decode().jpegLsParseSeconds());
      j.put("uncompressedParseWithPixelsSeconds", r.jpegLs().decode().uncompressedParseSeconds());
      j.put("decodeMeasured", "the enclave's study parser over every instance, one thread, best of 3, JPEG-LS minus uncompressed");
      o.put("jpegLs", j);
    }
    o.put("suite", r.suite());
    o.put("partSize", r.partSize());
    o.put("runs", r.runs());
    o.put("linkRttMs", r.rtt().toMillis());
    List<Map<String, Object>> links = r.links().stream().map(l -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("mbps", l.mbps());
      m.put("plaintextUncompressedSeconds", l.medians().get(LinkPath.PLAINTEXT_UNCOMPRESSED));
      m.put("plaintextCompressedSeconds", l.medians().get(LinkPath.PLAINTEXT_COMPRESSED));
      m.put("confidentialCompressedSeconds", l.medians().get(LinkPath.CONFIDENTIAL_COMPRESSED));
      m.put("roundRatios", l.confidentialRatios());
      m.put("plaintextCompressedRoundRatios", l.compressedPlaintextRatios());
      m.put("confidentialUploadFirstSeconds", l.medians().get(LinkPath.CONFIDENTIAL_UPLOAD_FIRST));
      m.put("uploadFirstRoundRatios", l.roundRatios().get(LinkPath.CONFIDENTIAL_UPLOAD_FIRST));
      if (l.medians().containsKey(LinkPath.CONFIDENTIAL_JPEG_LS)) {
        m.put("confidentialJpegLsSeconds", l.medians().get(LinkPath.CONFIDENTIAL_JPEG_LS));
        m.put("jpegLsRoundRatios", l.roundRatios().get(LinkPath.CONFIDENTIAL_JPEG_LS));
      }
      m.put("identicalLabels", l.identicalLabels());
      return m;
    }).toList();
    o.put("links", links);
    Map<String, Object> ratios = new LinkedHashMap<>();
    for (LinkBenchmark.LinkReport l : r.links()) ratios.put(Integer.toString(l.mbps()), l.medianRatio());
    o.put("linkRatios", ratios);
    o.put("linkRatiosAre", "median per-round ratio confidential-compressed / plaintext-uncompressed; the confidential task reads"
        + " the study while it uploads (streamed ingest)");
    Map<String, Object> uploadFirst = new LinkedHashMap<>();
    for (LinkBenchmark.LinkReport l : r.links()) uploadFirst.put(Integer.toString(l.mbps()), l.medianRatio(LinkPath.CONFIDENTIAL_UPLOAD_FIRST));
    o.put("uploadFirstLinkRatios", uploadFirst);
    o.put("uploadFirstLinkRatiosAre", "the same confidential path with the whole study uploaded before the task is submitted; not judged");
    if (r.jpegLs() != null) {
      Map<String, Object> jr = new LinkedHashMap<>();
      for (LinkBenchmark.LinkReport l : r.links()) jr.put(Integer.toString(l.mbps()), l.medianRatio(LinkPath.CONFIDENTIAL_JPEG_LS));
      o.put("jpegLsLinkRatios", jr);
      o.put("jpegLsLinkRatiosAre", "median per-round ratio confidential JPEG-LS (sealed, no zstd) / plaintext-uncompressed; not judged");
    }
    o.put("goal", GOAL);
    o.put("withinGoal", r.links().stream().allMatch(l -> l.medianRatio() <= GOAL));
    o.put("identicalLabels", r.links().stream().allMatch(LinkBenchmark.LinkReport::identicalLabels));
    o.put("insecureDevEnclave", true);
    o.put("simulated", r.rtt().isZero() ? "bandwidth only: a throttling proxy on loopback, no latency or loss"
        : "a throttling proxy on loopback with a " + r.rtt().toMillis() + " ms round trip (a delay line per direction, a 4 MiB window"
            + " per connection, one round trip per new connection); no loss, no slow start");
    JsonOutput.print(out, o);
  }

  static void text(PrintWriter out, LinkBenchmark.Report r) {
    out.printf("bench enclave: %dx%dx%d CT phantom, %.1f MB DICOM, zstd level 1 %.2fx%s, sealed with byte planes + zstd %.2fx,"
        + " %s, %d MiB parts, INSECURE dev enclave%n",
        r.size(), r.size(), r.slices(), r.dicomBytes() / 1e6, r.studyZstdRatio(),
        r.realCtZstdRatio() == null ? "" : String.format(" (real CT in the test data %.2fx)", r.realCtZstdRatio()),
        r.studySealedRatio(), r.suite(), r.partSize() >> 20);
    if (r.jpegLs() != null) {
      out.printf("JPEG-LS lossless (dcmcjpls, before timing): archive %.1f MB, %.2fx smaller than the uncompressed archive (%.1f MB);"
          + " the enclave's decoder: %.2f s for the study, %.0f MB/s of pixels (one thread; parse %.2f s vs %.2f s uncompressed)%n",
          r.jpegLs().archiveBytes() / 1e6, r.jpegLs().ratioToArchive(), r.archiveBytes() / 1e6, r.jpegLs().decode().decodeSeconds(),
          r.jpegLs().decode().decodeMBps(), r.jpegLs().decode().jpegLsParseSeconds(), r.jpegLs().decode().uncompressedParseSeconds());
    }
    out.printf("simulated uplink: a throttling proxy on loopback (%s; no loss, no slow start); medians of %d rounds%n",
        r.rtt().isZero() ? "bandwidth only, no latency" : "round trip " + r.rtt().toMillis() + " ms", r.runs());
    for (LinkBenchmark.LinkReport l : r.links()) {
      List<LinkPath> paths = List.copyOf(l.medians().keySet());
      out.printf("%n%-26s", l.mbps() + " Mbit/s, seconds");
      for (LinkPath p : paths) out.printf(" %21s", LinkBenchmark.label(p));
      out.println();
      row(out, "study to enclave", l, paths, Stages::toEnclave);
      row(out, "task", l, paths, Stages::task);
      row(out, "result back at the site", l, paths, Stages::resultBack);
      row(out, "total", l, paths, Stages::total);
      out.printf("ratio to plaintext, per round: confidential+zstd %s, upload first %s, plaintext+zstd %s%s%n",
          fmt(l.confidentialRatios()), fmt(l.roundRatios().get(LinkPath.CONFIDENTIAL_UPLOAD_FIRST)), fmt(l.compressedPlaintextRatios()),
          l.roundRatios().containsKey(LinkPath.CONFIDENTIAL_JPEG_LS)
              ? String.format(", confidential JPEG-LS %s (median %.3fx, not judged)", fmt(l.roundRatios().get(LinkPath.CONFIDENTIAL_JPEG_LS)),
                  l.medianRatio(LinkPath.CONFIDENTIAL_JPEG_LS)) : "");
      out.printf("median confidential+zstd / plaintext: %.3fx (goal <= %.2fx: %s); label maps identical: %s%n", l.medianRatio(),
          GOAL, l.medianRatio() <= GOAL ? "met" : "NOT met", l.identicalLabels() ? "yes" : "NO");
    }
  }

  private static void row(PrintWriter out, String label, LinkBenchmark.LinkReport l, List<LinkPath> paths,
      java.util.function.ToDoubleFunction<Stages> f) {
    out.printf("%-26s", label);
    for (LinkPath p : paths) out.printf(" %21.2f", f.applyAsDouble(l.medians().get(p)));
    out.println();
  }

  private static List<String> fmt(List<Double> ratios) {
    return ratios.stream().map(x -> String.format("%.2f", x)).toList();
  }
}
