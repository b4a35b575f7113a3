package org.secaimed.devtools.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secaimed.devtools.bench.EnclaveBenchmark.Stages;
import org.secaimed.devtools.bench.LinkBenchmark;
import org.secaimed.devtools.bench.LinkBenchmark.Path3;
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
    o.put("suite", r.suite());
    o.put("partSize", r.partSize());
    o.put("runs", r.runs());
    List<Map<String, Object>> links = r.links().stream().map(l -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("mbps", l.mbps());
      m.put("plaintextUncompressedSeconds", l.medians().get(Path3.PLAINTEXT_UNCOMPRESSED));
      m.put("plaintextCompressedSeconds", l.medians().get(Path3.PLAINTEXT_COMPRESSED));
      m.put("confidentialCompressedSeconds", l.medians().get(Path3.CONFIDENTIAL_COMPRESSED));
      m.put("roundRatios", l.confidentialRatios());
      m.put("plaintextCompressedRoundRatios", l.compressedPlaintextRatios());
      m.put("identicalLabels", l.identicalLabels());
      return m;
    }).toList();
    o.put("links", links);
    Map<String, Object> ratios = new LinkedHashMap<>();
    for (LinkBenchmark.LinkReport l : r.links()) ratios.put(Integer.toString(l.mbps()), l.medianRatio());
    o.put("linkRatios", ratios);
    o.put("linkRatiosAre", "median per-round ratio confidential-compressed / plaintext-uncompressed");
    o.put("goal", GOAL);
    o.put("withinGoal", r.links().stream().allMatch(l -> l.medianRatio() <= GOAL));
    o.put("identicalLabels", r.links().stream().allMatch(LinkBenchmark.LinkReport::identicalLabels));
    o.put("insecureDevEnclave", true);
    o.put("simulated", "bandwidth only: a throttling proxy on loopback, no latency or loss");
    JsonOutput.print(out, o);
  }

  static void text(PrintWriter out, LinkBenchmark.Report r) {
    out.printf("bench enclave: %dx%dx%d CT phantom, %.1f MB DICOM, zstd level 1 %.2fx%s, sealed with byte planes + zstd %.2fx,"
        + " %s, %d MiB parts, INSECURE dev enclave%n",
        r.size(), r.size(), r.slices(), r.dicomBytes() / 1e6, r.studyZstdRatio(),
        r.realCtZstdRatio() == null ? "" : String.format(" (real CT in the test data %.2fx)", r.realCtZstdRatio()),
        r.studySealedRatio(), r.suite(), r.partSize() >> 20);
    out.printf("simulated uplink: a throttling proxy on loopback (bandwidth only, no latency); medians of %d rounds%n", r.runs());
    for (LinkBenchmark.LinkReport l : r.links()) {
      out.printf("%n%d Mbit/s, seconds        %16s %16s %16s%n", l.mbps(), "plaintext", "plaintext+zstd", "confidential+zstd");
      row(out, "study to enclave", l, Stages::toEnclave);
      row(out, "task", l, Stages::task);
      row(out, "result back at the site", l, Stages::resultBack);
      row(out, "total", l, Stages::total);
      out.printf("ratio to plaintext, per round: confidential+zstd %s, plaintext+zstd %s%n",
          fmt(l.confidentialRatios()), fmt(l.compressedPlaintextRatios()));
      out.printf("median confidential+zstd / plaintext: %.3fx (goal <= %.2fx: %s); label maps identical: %s%n", l.medianRatio(),
          GOAL, l.medianRatio() <= GOAL ? "met" : "NOT met", l.identicalLabels() ? "yes" : "NO");
    }
  }

  private static void row(PrintWriter out, String label, LinkBenchmark.LinkReport l, java.util.function.ToDoubleFunction<Stages> f) {
    out.printf("%-26s %16.2f %16.2f %16.2f%n", label, f.applyAsDouble(l.medians().get(Path3.PLAINTEXT_UNCOMPRESSED)),
        f.applyAsDouble(l.medians().get(Path3.PLAINTEXT_COMPRESSED)), f.applyAsDouble(l.medians().get(Path3.CONFIDENTIAL_COMPRESSED)));
  }

  private static List<String> fmt(List<Double> ratios) {
    return ratios.stream().map(x -> String.format("%.2f", x)).toList();
  }
}
