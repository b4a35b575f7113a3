package org.secaimed.devtools.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.secaimed.dicom.geometry.InstanceReader;

/**
 * The study in the stored JPEG-LS lossless transfer syntax (1.2.840.10008.1.2.4.80), encoded by
 * dcmtk's {@code dcmcjpls} once before timing (as a PACS that stores JPEG-LS would hold it), and
 * how fast the enclave's own pure-Java decoder (decision 22) reads it back. Bench only; needs
 * {@code dcmcjpls} on the PATH (Debian package dcmtk, installed by scripts/setup).
 */
public final class JpegLsStudy {
  static final String TOOL = "dcmcjpls";

  /** The encoded instances and what decoding them costs the enclave's parser. */
  record Encoded(List<byte[]> instances, long bytes) {}

  /** Decoding cost: parsing the JPEG-LS instances with pixels minus parsing the uncompressed ones, same parser. */
  public record DecodeCost(double jpegLsParseSeconds, double uncompressedParseSeconds, long pixelBytes) {
    public double decodeSeconds() {
      return Math.max(0, jpegLsParseSeconds - uncompressedParseSeconds);
    }

    /** Decoded pixel megabytes per second of decoding. */
    public double decodeMBps() {
      return decodeSeconds() == 0 ? Double.POSITIVE_INFINITY : pixelBytes / 1e6 / decodeSeconds();
    }
  }

  private JpegLsStudy() {}

  /** The tool's path, or a clear refusal naming the package that brings it. */
  public static Path requireTool() {
    return requireTool(System.getenv("PATH"));
  }

  /** As above, on the given PATH. */
  static Path requireTool(String path) {
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path p = Path.of(dir, TOOL);
        if (Files.isExecutable(p)) return p;
      }
    }
    throw new IllegalStateException("--transfer-syntax jpeg-ls needs dcmtk's " + TOOL
        + " on the PATH to encode the study (apt-get install dcmtk, or scripts/setup)");
  }

  /** Encodes every instance with {@code dcmcjpls} (lossless, the tool's defaults), two at a time. */
  static Encoded encode(List<byte[]> instances, Path workDir) throws IOException, InterruptedException {
    Path tool = requireTool();
    Path dir = Files.createDirectories(workDir.resolve("jpeg-ls"));
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
    try {
      List<Future<byte[]>> jobs = new ArrayList<>();
      for (int i = 0; i < instances.size(); i++) {
        final int k = i;
        jobs.add(pool.submit(() -> encodeOne(tool, dir, k, instances.get(k))));
      }
      List<byte[]> out = new ArrayList<>(instances.size());
      long bytes = 0;
      for (Future<byte[]> f : jobs) {
        byte[] b = get(f);
        out.add(b);
        bytes += b.length;
      }
      return new Encoded(out, bytes);
    } finally {
      pool.shutdownNow();
    }
  }

  private static byte[] encodeOne(Path tool, Path dir, int k, byte[] instance) throws IOException, InterruptedException {
    Path in = dir.resolve(k + ".dcm");
    Path out = dir.resolve(k + ".jls.dcm");
    Files.write(in, instance);
    Process p = new ProcessBuilder(tool.toString(), in.toString(), out.toString()).redirectErrorStream(true).start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    int exit = p.waitFor();
    if (exit != 0 || !Files.exists(out)) {
      throw new IOException(TOOL + " could not encode instance " + k + " (exit " + exit + "): " + said);
    }
    byte[] encoded = Files.readAllBytes(out);
    Files.delete(in);
    Files.delete(out);
    return encoded;
  }

  private static byte[] get(Future<byte[]> f) throws IOException, InterruptedException {
    try {
      return f.get();
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof IOException io) throw io;
      throw new IOException(e.getCause().getMessage(), e.getCause());
    }
  }

  /**
   * Parses both studies with pixels, one thread, as the enclave's study reader does (best of
   * three); the difference is the JPEG-LS decoding. {@code pixelBytes}: 2 bytes per voxel.
   */
  static DecodeCost decodeCost(List<byte[]> uncompressed, List<byte[]> jpegLs, long pixelBytes) throws Exception {
    double plain = Double.MAX_VALUE;
    double jls = Double.MAX_VALUE;
    for (int round = 0; round < 3; round++) {
      plain = Math.min(plain, parseAll(uncompressed));
      jls = Math.min(jls, parseAll(jpegLs));
    }
    return new DecodeCost(jls, plain, pixelBytes);
  }

  private static double parseAll(List<byte[]> instances) throws Exception {
    long t0 = System.nanoTime();
    for (int i = 0; i < instances.size(); i++) {
      if (InstanceReader.parse(instances.get(i), "instance " + i, true) == null) throw new IOException("instance " + i + " is not DICOM");
    }
    return (System.nanoTime() - t0) / 1e9;
  }
}
