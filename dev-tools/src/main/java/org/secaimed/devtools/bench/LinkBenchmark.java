package org.secaimed.devtools.bench;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.io.RetryPolicy;
import org.secaimed.connector.seal.Compression;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.devtools.bench.EnclaveBenchmark.Stages;
import org.secaimed.devtools.bench.EnclaveBenchmark.Timed;
import org.secaimed.devtools.enclave.DevEnclave;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.enclave.server.EnclaveServer;
import org.secaimed.enclave.server.algorithms.AlgorithmRunner;
import org.secaimed.enclave.server.algorithms.EnclaveAlgorithms;

/**
 * Time to the result at the site over a hospital uplink, simulated by a {@link ThrottledLink}
 * on loopback, for three paths in rounds whose order rotates (so none always runs first):
 * plaintext uncompressed (a naive integration), plaintext zstd-compressed, and the confidential
 * path (attest, compress + seal + upload, task, receipt and proofs, download, open). The goal is
 * judged on the median of each round's confidential / naive ratio.
 */
public final class LinkBenchmark {
  /**
   * What the confidential path seals studies with: the session's default (byte planes + zstd
   * level 1), named here so that the plaintext + zstd baseline compresses exactly the same way.
   * (Until 2026-12-07 this bench set plain zstd for the confidential path, not the product's default.)
   */
  static final Compression STUDY_COMPRESSION = GatewaySession.STUDY_COMPRESSION;

  /** The three paths over the link. */
  public enum Path3 { PLAINTEXT_UNCOMPRESSED, PLAINTEXT_COMPRESSED, CONFIDENTIAL_COMPRESSED }

  /** One link speed: each path's per-stage medians, and the per-round ratios against the naive path. */
  public record LinkReport(int mbps, Map<Path3, Stages> medians, List<Double> confidentialRatios,
      List<Double> compressedPlaintextRatios, boolean identicalLabels) {
    public double medianRatio() {
      return median(confidentialRatios);
    }
  }

  /** The study, how it compresses next to real CT, and the links. */
  public record Report(int size, int slices, long dicomBytes, double studyZstdRatio, double studySealedRatio, Double realCtZstdRatio, String suite,
      int partSize, int runs, List<LinkReport> links) {}

  private LinkBenchmark() {}

  public static Report run(Path workDir, int size, int slices, HpkeSuite suite, int partSize, int runs, List<Integer> mbps,
      Path realCt, Consumer<String> log) throws Exception {
    log.accept("generating a " + size + "x" + size + "x" + slices + " CT phantom with CT noise (not timed)");
    List<byte[]> study = EnclaveBenchmark.instances(new PhantomSeries(CtPhantom.builder().size(size, size, slices).seed(42).build()));
    List<byte[]> warmup = EnclaveBenchmark.instances(new PhantomSeries(CtPhantom.builder().size(128, 128, 16).seed(7).build()));
    long bytes = study.stream().mapToLong(b -> b.length).sum();
    double studyRatio = archiveZstdRatio(study);
    double sealedRatio = archiveSealedRatio(study, suite);
    Double realRatio = realCtZstdRatio(realCt);
    log.accept(String.format("study archive compresses %.2fx with zstd level 1%s; the confidential path's sealed archive"
        + " (byte planes + zstd) is %.2fx smaller than the archive", studyRatio,
        realRatio == null ? "" : String.format(" (real CT slices in the test data: %.2fx)", realRatio), sealedRatio));
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    List<LinkReport> links = new ArrayList<>();
    try (DevEnclave enclave = DevEnclave.start(EnclaveServer.Config.defaults(workDir.resolve("enclave-state")).withKemSuite(suite), quiet)) {
      AlgorithmRunner runner = EnclaveAlgorithms.runner(workDir.resolve("baseline-models"));
      KemKeyPair site = KemKeyPair.generate(suite);
      for (int speed : mbps) {
        try (ThrottledLink link = new ThrottledLink(URI.create(enclave.baseUrl()), speed)) {
          links.add(overLink(link, enclave, runner, site, study, warmup, partSize, runs, workDir, log));
        }
      }
    }
    return new Report(size, slices, bytes, studyRatio, sealedRatio, realRatio, suite.label(), partSize, runs, links);
  }

  private static LinkReport overLink(ThrottledLink link, DevEnclave enclave, AlgorithmRunner runner, KemKeyPair site,
      List<byte[]> study, List<byte[]> warmup, int partSize, int runs, Path workDir, Consumer<String> log) throws Exception {
    Path siteDir = Files.createDirectories(workDir.resolve("site-" + link.mbps()));
    GatewaySession session = GatewaySession.builder(link.baseUrl()).policy(Policy.resource("policies/dev.yaml"))
        .partSize(partSize).pollInterval(Duration.ofMillis(20)).retry(RetryPolicy.gatewayDefaults())
        .checkpointStore(siteDir.resolve("checkpoints")).workDir(siteDir.resolve("work")).site(site)
        .compression(STUDY_COMPRESSION).build();
    session.attest(); // the plaintext paths' uploads are signed too
    log.accept(link.mbps() + " Mbit/s: warming up the three paths on a small phantom");
    for (Path3 p : Path3.values()) once(p, link, enclave, runner, session, site, warmup, partSize, workDir);
    Map<Path3, List<Stages>> all = new EnumMap<>(Path3.class);
    List<Double> confRatios = new ArrayList<>();
    List<Double> plainRatios = new ArrayList<>();
    boolean identical = true;
    for (int i = 1; i <= runs; i++) {
      Map<Path3, Timed> round = new EnumMap<>(Path3.class);
      for (int k = 0; k < 3; k++) {
        Path3 p = Path3.values()[(i + k) % 3];
        round.put(p, once(p, link, enclave, runner, session, site, EnclaveBenchmark.rotated(study, i), partSize, workDir));
        all.computeIfAbsent(p, x -> new ArrayList<>()).add(round.get(p).stages());
      }
      double naive = round.get(Path3.PLAINTEXT_UNCOMPRESSED).stages().total();
      confRatios.add(round.get(Path3.CONFIDENTIAL_COMPRESSED).stages().total() / naive);
      plainRatios.add(round.get(Path3.PLAINTEXT_COMPRESSED).stages().total() / naive);
      byte[] reference = round.get(Path3.PLAINTEXT_UNCOMPRESSED).labels();
      for (Timed t : round.values()) identical &= Arrays.equals(reference, t.labels());
      log.accept(String.format("%d Mbit/s round %d/%d: plaintext %s, plaintext+zstd %s, confidential+zstd %s", link.mbps(), i, runs,
          round.get(Path3.PLAINTEXT_UNCOMPRESSED).stages().brief(), round.get(Path3.PLAINTEXT_COMPRESSED).stages().brief(),
          round.get(Path3.CONFIDENTIAL_COMPRESSED).stages().brief()));
    }
    Map<Path3, Stages> medians = new EnumMap<>(Path3.class);
    all.forEach((p, list) -> medians.put(p, new Stages(median(list.stream().map(Stages::toEnclave).toList()),
        median(list.stream().map(Stages::task).toList()), median(list.stream().map(Stages::resultBack).toList()))));
    return new LinkReport(link.mbps(), medians, confRatios, plainRatios, identical);
  }

  private static Timed once(Path3 p, ThrottledLink link, DevEnclave enclave, AlgorithmRunner runner, GatewaySession session,
      KemKeyPair site, List<byte[]> study, int partSize, Path workDir) throws Exception {
    return switch (p) {
      case PLAINTEXT_UNCOMPRESSED -> PlaintextPath.NAIVE.run(enclave, session.client(), runner, study, partSize, workDir, link::downlink);
      case PLAINTEXT_COMPRESSED -> PlaintextPath.COMPRESSED.run(enclave, session.client(), runner, study, partSize, workDir, link::downlink);
      case CONFIDENTIAL_COMPRESSED -> EnclaveBenchmark.confidential(session, site, study);
    };
  }

  private static double archiveZstdRatio(List<byte[]> study) throws IOException {
    long[] plain = {0};
    Counting compressed = new Counting();
    try (ZstdOutputStream z = new ZstdOutputStream(compressed, 1)) {
      OutputStream counting = new OutputStream() {
        @Override public void write(int b) throws IOException { z.write(b); plain[0]++; }
        @Override public void write(byte[] b, int off, int len) throws IOException { z.write(b, off, len); plain[0] += len; }
      };
      EnclaveBenchmark.writeArchive(study, counting);
    }
    return plain[0] / (double) compressed.count;
  }

  /** Archive bytes over sealed bytes, as the confidential path seals a study (the session's default compression). */
  private static double archiveSealedRatio(List<byte[]> study, HpkeSuite suite) throws IOException {
    long[] plain = {0};
    Counting sealed = new Counting();
    try (var out = org.secaimed.connector.seal.SealedArchive.newSealingStream(sealed, KemKeyPair.generate(suite).publicKey(),
        new byte[0], org.secaimed.connector.seal.SealOptions.defaults().withCompression(STUDY_COMPRESSION))) {
      OutputStream counting = new OutputStream() {
        @Override public void write(int b) throws IOException { out.write(b); plain[0]++; }
        @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); plain[0] += len; }
      };
      EnclaveBenchmark.writeArchive(study, counting);
    }
    return plain[0] / (double) sealed.count;
  }

  /** zstd level 1 over the real CT slices of the shared test data, when they are there (a developer's checkout). */
  private static Double realCtZstdRatio(Path dir) throws IOException {
    if (dir == null || !Files.isDirectory(dir)) return null;
    long plain = 0;
    long compressed = 0;
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.getFileName().toString().matches("\\d+\\.dcm")).sorted().toList()) {
        byte[] b = Files.readAllBytes(f);
        plain += b.length;
        compressed += Zstd.compress(b, 1).length;
      }
    }
    return compressed == 0 ? null : plain / (double) compressed;
  }

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static final class Counting extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
