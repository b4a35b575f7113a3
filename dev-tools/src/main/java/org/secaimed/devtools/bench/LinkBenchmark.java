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

  /**
   * The paths over the link. The confidential path is the product's: the task admitted against
   * the upload and reading the study while it arrives (streamed ingest, decision 24);
   * {@code CONFIDENTIAL_UPLOAD_FIRST} is the same with the whole study uploaded before the task is
   * submitted, as every run was before, to show what streaming gains in the same run. The last one
   * only with {@code --transfer-syntax jpeg-ls}: the study stored as JPEG-LS lossless, sealed without zstd.
   */
  public enum LinkPath { PLAINTEXT_UNCOMPRESSED, PLAINTEXT_COMPRESSED, CONFIDENTIAL_COMPRESSED, CONFIDENTIAL_UPLOAD_FIRST, CONFIDENTIAL_JPEG_LS }

  /** One link speed: each path's per-stage medians, and the per-round ratios against the naive path. */
  public record LinkReport(int mbps, Map<LinkPath, Stages> medians, Map<LinkPath, List<Double>> roundRatios, boolean identicalLabels) {
    public List<Double> confidentialRatios() {
      return roundRatios.get(LinkPath.CONFIDENTIAL_COMPRESSED);
    }

    public List<Double> compressedPlaintextRatios() {
      return roundRatios.get(LinkPath.PLAINTEXT_COMPRESSED);
    }

    /** The judged figure: median per-round ratio confidential + zstd / plaintext uncompressed. */
    public double medianRatio() {
      return median(confidentialRatios());
    }

    /** Median per-round ratio of {@code path} / plaintext uncompressed, or null if it did not run. */
    public Double medianRatio(LinkPath path) {
      List<Double> r = roundRatios.get(path);
      return r == null ? null : median(r);
    }
  }

  /**
   * The JPEG-LS study: its size next to the uncompressed archive's, and the enclave decoder's cost
   * (the same parser over both studies, one thread, outside the rounds).
   */
  public record JpegLs(long dicomBytes, long archiveBytes, double ratioToArchive, JpegLsStudy.DecodeCost decode) {}

  /** The study, how it compresses next to real CT, and the links. */
  public record Report(int size, int slices, long dicomBytes, long archiveBytes, double studyZstdRatio, double studySealedRatio,
      Double realCtZstdRatio, String suite, int partSize, int runs, Duration rtt, JpegLs jpegLs, List<LinkReport> links) {}

  private LinkBenchmark() {}

  public static Report run(Path workDir, int size, int slices, HpkeSuite suite, int partSize, int runs, List<Integer> mbps,
      Path realCt, boolean withJpegLs, Consumer<String> log) throws Exception {
    return run(workDir, size, slices, suite, partSize, runs, mbps, Duration.ZERO, realCt, withJpegLs, log);
  }

  /** @param rtt the link's round-trip time (zero: bandwidth only) */
  public static Report run(Path workDir, int size, int slices, HpkeSuite suite, int partSize, int runs, List<Integer> mbps,
      Duration rtt, Path realCt, boolean withJpegLs, Consumer<String> log) throws Exception {
    if (withJpegLs) JpegLsStudy.requireTool(); // before minutes of work
    log.accept("generating a " + size + "x" + size + "x" + slices + " CT phantom with CT noise (not timed)");
    List<byte[]> study = EnclaveBenchmark.instances(new PhantomSeries(CtPhantom.builder().size(size, size, slices).seed(42).build()));
    // The warm-up round runs every path on the study itself, untimed: with a small phantom the first
    // timed round still paid for compiling and sizing the full-size paths, and the rotation of 3
    // rounds over 4 paths never put the naive baseline first, so that cost fell on the others.
    List<byte[]> warmup = study;
    long bytes = study.stream().mapToLong(b -> b.length).sum();
    double studyRatio = archiveZstdRatio(study);
    double sealedRatio = archiveSealedRatio(study, suite);
    Double realRatio = realCtZstdRatio(realCt);
    log.accept(String.format("study archive compresses %.2fx with zstd level 1%s; the confidential path's sealed archive"
        + " (byte planes + zstd) is %.2fx smaller than the archive", studyRatio,
        realRatio == null ? "" : String.format(" (real CT slices in the test data: %.2fx)", realRatio), sealedRatio));
    long archiveBytes = archiveBytes(study);
    List<byte[]> jls = null;
    List<byte[]> jlsWarmup = null;
    JpegLs jpegLs = null;
    if (withJpegLs) {
      log.accept("encoding the study as JPEG-LS lossless with " + JpegLsStudy.TOOL + " (not timed)");
      JpegLsStudy.Encoded enc = JpegLsStudy.encode(study, workDir);
      jls = enc.instances();
      jlsWarmup = jls;
      long jlsArchive = archiveBytes(jls);
      log.accept("timing the enclave's JPEG-LS decoder against the uncompressed parse (one thread, best of 3)");
      JpegLsStudy.DecodeCost cost = JpegLsStudy.decodeCost(study, jls, 2L * size * size * slices);
      jpegLs = new JpegLs(enc.bytes(), jlsArchive, archiveBytes / (double) jlsArchive, cost);
      log.accept(String.format("JPEG-LS archive %.1f MB, %.2fx smaller than the uncompressed archive; decoding %.2f s for %d slices"
          + " (%.0f MB/s of pixels)", jlsArchive / 1e6, jpegLs.ratioToArchive(), cost.decodeSeconds(), slices, cost.decodeMBps()));
    }
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    List<LinkReport> links = new ArrayList<>();
    try (DevEnclave enclave = DevEnclave.start(EnclaveServer.Config.defaults(workDir.resolve("enclave-state")).withKemSuite(suite), quiet)) {
      AlgorithmRunner runner = EnclaveAlgorithms.runner(workDir.resolve("baseline-models"));
      KemKeyPair site = KemKeyPair.generate(suite);
      for (int speed : mbps) {
        try (ThrottledLink link = new ThrottledLink(URI.create(enclave.baseUrl()), speed, rtt)) {
          links.add(overLink(link, enclave, runner, site, new Studies(study, warmup, jls, jlsWarmup), partSize, runs, workDir, log));
        }
      }
    }
    return new Report(size, slices, bytes, archiveBytes, studyRatio, sealedRatio, realRatio, suite.label(), partSize, runs, rtt, jpegLs, links);
  }

  /** The study's instances, uncompressed and (when asked) as JPEG-LS, each with its warm-up phantom. */
  private record Studies(List<byte[]> study, List<byte[]> warmup, List<byte[]> jpegLs, List<byte[]> jpegLsWarmup) {
    List<LinkPath> paths() {
      return jpegLs == null ? List.of(LinkPath.values()).subList(0, 4) : List.of(LinkPath.values());
    }

    List<byte[]> of(LinkPath p, boolean warm) {
      if (p == LinkPath.CONFIDENTIAL_JPEG_LS) return warm ? jpegLsWarmup : jpegLs;
      return warm ? warmup : study;
    }
  }

  private static LinkReport overLink(ThrottledLink link, DevEnclave enclave, AlgorithmRunner runner, KemKeyPair site,
      Studies studies, int partSize, int runs, Path workDir, Consumer<String> log) throws Exception {
    Path siteDir = Files.createDirectories(workDir.resolve("site-" + link.mbps()));
    GatewaySession session = session(link, site, siteDir.resolve("zstd"), partSize, STUDY_COMPRESSION);
    // JPEG-LS is compressed already: sealed as it is, as a session configured without compression would.
    GatewaySession stored = studies.jpegLs() == null ? null : session(link, site, siteDir.resolve("stored"), partSize, Compression.none());
    session.attest(); // the plaintext paths' uploads are signed too
    if (stored != null) stored.attest();
    List<LinkPath> paths = studies.paths();
    log.accept(link.mbps() + " Mbit/s: warming up the " + paths.size() + " paths on the study (an untimed round)");
    for (LinkPath p : paths) once(p, link, enclave, runner, p == LinkPath.CONFIDENTIAL_JPEG_LS ? stored : session, site,
        studies.of(p, true), partSize, workDir);
    Map<LinkPath, List<Stages>> all = new EnumMap<>(LinkPath.class);
    Map<LinkPath, List<Double>> ratios = new EnumMap<>(LinkPath.class);
    boolean identical = true;
    for (int i = 1; i <= runs; i++) {
      Map<LinkPath, Timed> round = new EnumMap<>(LinkPath.class);
      for (int k = 0; k < paths.size(); k++) {
        LinkPath p = paths.get((i + k) % paths.size());
        round.put(p, once(p, link, enclave, runner, p == LinkPath.CONFIDENTIAL_JPEG_LS ? stored : session, site,
            EnclaveBenchmark.rotated(studies.of(p, false), i), partSize, workDir));
        all.computeIfAbsent(p, x -> new ArrayList<>()).add(round.get(p).stages());
      }
      double naive = round.get(LinkPath.PLAINTEXT_UNCOMPRESSED).stages().total();
      for (LinkPath p : paths) {
        if (p != LinkPath.PLAINTEXT_UNCOMPRESSED) ratios.computeIfAbsent(p, x -> new ArrayList<>()).add(round.get(p).stages().total() / naive);
      }
      byte[] reference = round.get(LinkPath.PLAINTEXT_UNCOMPRESSED).labels();
      for (Timed t : round.values()) identical &= Arrays.equals(reference, t.labels());
      StringBuilder line = new StringBuilder(String.format("%d Mbit/s round %d/%d:", link.mbps(), i, runs));
      for (LinkPath p : paths) line.append(' ').append(label(p)).append(' ').append(round.get(p).stages().brief()).append(',');
      log.accept(line.substring(0, line.length() - 1));
    }
    Map<LinkPath, Stages> medians = new EnumMap<>(LinkPath.class);
    all.forEach((p, list) -> medians.put(p, new Stages(median(list.stream().map(Stages::toEnclave).toList()),
        median(list.stream().map(Stages::task).toList()), median(list.stream().map(Stages::resultBack).toList()))));
    return new LinkReport(link.mbps(), medians, ratios, identical);
  }

  /** How the bench names a path in its output. */
  public static String label(LinkPath p) {
    return switch (p) {
      case PLAINTEXT_UNCOMPRESSED -> "plaintext";
      case PLAINTEXT_COMPRESSED -> "plaintext+zstd";
      case CONFIDENTIAL_COMPRESSED -> "confidential+zstd";
      case CONFIDENTIAL_UPLOAD_FIRST -> "upload first";
      case CONFIDENTIAL_JPEG_LS -> "confidential JPEG-LS";
    };
  }

  private static GatewaySession session(ThrottledLink link, KemKeyPair site, Path dir, int partSize, Compression compression)
      throws Exception {
    return GatewaySession.builder(link.baseUrl()).policy(Policy.resource("policies/dev.yaml"))
        .partSize(partSize).pollInterval(Duration.ofMillis(20)).retry(RetryPolicy.gatewayDefaults())
        .checkpointStore(dir.resolve("checkpoints")).workDir(dir.resolve("work")).site(site)
        .compression(compression).build();
  }

  private static Timed once(LinkPath p, ThrottledLink link, DevEnclave enclave, AlgorithmRunner runner, GatewaySession session,
      KemKeyPair site, List<byte[]> study, int partSize, Path workDir) throws Exception {
    return switch (p) {
      case PLAINTEXT_UNCOMPRESSED -> PlaintextPath.NAIVE.run(enclave, session.client(), runner, study, partSize, workDir, link::downlink);
      case PLAINTEXT_COMPRESSED -> PlaintextPath.COMPRESSED.run(enclave, session.client(), runner, study, partSize, workDir, link::downlink);
      case CONFIDENTIAL_COMPRESSED, CONFIDENTIAL_JPEG_LS -> EnclaveBenchmark.confidential(session, site, study);
      case CONFIDENTIAL_UPLOAD_FIRST -> EnclaveBenchmark.confidential(session, site, study, false);
    };
  }

  private static long archiveBytes(List<byte[]> study) throws IOException {
    Counting c = new Counting();
    EnclaveBenchmark.writeArchive(study, c);
    return c.count;
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
