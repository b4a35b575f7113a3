package org.secaimed.connector.seal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Throughput measurements behind {@code secaimed bench seal}: raw AES-GCM per engine, and whole
 * archives sealed and opened in memory (no disk in the loop, so the figures are the crypto and
 * pipeline cost that a fast network or disk would see). Not used on any data path.
 */
public final class SealBenchmark {
  private static final int BLOCK = 1 << 20;
  private static final byte[] BINDING = "bench".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int RAW_CHUNK = SealOptions.DEFAULT_CHUNK_SIZE;
  private static final int MAX_WARM_UP_SECONDS = 10;

  private SealBenchmark() {}

  /**
   * Bytes processed, wall time, and CPU time: of the calling thread when everything ran on it
   * (one worker), else of the whole process (all workers, plus JIT and GC). On a shared machine
   * the CPU-time rate is the fair one; wall time shows what a user waits.
   */
  public record Figure(long bytes, long nanos, long cpuNanos) {
    public double mbPerSecond() {
      return bytes / 1e6 / (nanos / 1e9);
    }

    public double cpuMbPerSecond() {
      return cpuNanos <= 0 ? Double.NaN : bytes / 1e6 / (cpuNanos / 1e9);
    }
  }

  /** CPU nanoseconds of this thread, or of the process when {@code wholeProcess}. */
  static long cpuNow(boolean wholeProcess) {
    if (wholeProcess) {
      java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }
    return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  /** Seal and open figures for one configuration. */
  public record RoundTrip(Figure seal, Figure open) {}

  /**
   * Encrypts {@code bytes} in 64 KiB chunks with one engine on the calling thread: warmed up
   * until the rate is steady (HotSpot compiles the AES-GCM intrinsics late on a busy machine),
   * then the best of three runs.
   */
  public static Figure rawEngine(SealOptions.Engine engine, long bytes) {
    byte[] key = new byte[32];
    new Random(1).nextBytes(key);
    ChunkCipher c = engine == SealOptions.Engine.JCA ? new ChunkCipher.Jca(key, new byte[7]) : new ChunkCipher.BouncyCastle(key, new byte[7]);
    byte[] in = block();
    byte[] out = new byte[RAW_CHUNK + ChunkCipher.TAG_LENGTH];
    Measured run = n -> {
      long chunks = Math.max(1, n / RAW_CHUNK);
      long cpu = cpuNow(false);
      long t = System.nanoTime();
      for (long i = 0; i < chunks; i++) c.seal(i, false, in, 0, RAW_CHUNK, out, 0);
      return new Figure(chunks * RAW_CHUNK, System.nanoTime() - t, cpuNow(false) - cpu);
    };
    try {
      warmUntilSteady(run);
      return bestOf(3, run, bytes);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Round trips of 16 MiB until seal and open rates are steady (at most {@value #MAX_WARM_UP_SECONDS} s). */
  public static void warmUp(KemKeyPair recipient, SealOptions options) throws IOException {
    try {
      warmUntilSteady(n -> {
        RoundTrip r = roundTrip(recipient, n, options);
        return new Figure(2 * n, r.seal().nanos() + r.open().nanos(), r.seal().cpuNanos() + r.open().cpuNanos());
      });
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The best of {@code runs} round trips of {@code bytes} (seal and open chosen independently). */
  public static RoundTrip bestRoundTrip(KemKeyPair recipient, long bytes, SealOptions options, int runs) throws IOException {
    RoundTrip best = null;
    for (int i = 0; i < runs; i++) {
      RoundTrip r = roundTrip(recipient, bytes, options);
      best = best == null ? r : new RoundTrip(faster(best.seal(), r.seal()), faster(best.open(), r.open()));
    }
    return best;
  }

  private interface Measured {
    Figure run(long bytes) throws IOException, GeneralSecurityException;
  }

  private static void warmUntilSteady(Measured m) throws IOException, GeneralSecurityException {
    long deadline = System.nanoTime() + MAX_WARM_UP_SECONDS * 1_000_000_000L;
    double previous = 0;
    int steady = 0;
    while (System.nanoTime() < deadline && steady < 3) {
      double rate = m.run(16L << 20).mbPerSecond();
      steady = previous > 0 && Math.abs(rate - previous) < 0.1 * previous ? steady + 1 : 0;
      previous = Math.max(previous, rate);
    }
  }

  private static Figure bestOf(int runs, Measured m, long bytes) throws IOException, GeneralSecurityException {
    Figure best = null;
    for (int i = 0; i < runs; i++) best = best == null ? m.run(bytes) : faster(best, m.run(bytes));
    return best;
  }

  /** The best wall time and the best CPU time of two runs (each may come from a different run). */
  private static Figure faster(Figure a, Figure b) {
    return new Figure(a.bytes(), Math.min(a.nanos(), b.nanos()), Math.min(a.cpuNanos(), b.cpuNanos()));
  }

  /**
   * Seals {@code bytes} of plaintext to a sink that discards (timed, like {@code openssl speed},
   * which writes its output nowhere), seals them again into memory (not timed), and opens that
   * archive (timed).
   */
  public static RoundTrip roundTrip(KemKeyPair recipient, long bytes, SealOptions options) throws IOException {
    boolean wholeProcess = options.parallelism() > 1;
    long c0 = cpuNow(wholeProcess);
    long t0 = System.nanoTime();
    seal(recipient, bytes, options, OutputStream.nullOutputStream());
    long t1 = System.nanoTime();
    long c1 = cpuNow(wholeProcess);
    Figure sealed = new Figure(bytes, t1 - t0, c1 - c0);

    MemorySink archive = new MemorySink();
    seal(recipient, bytes, options, archive);
    long opened = 0;
    byte[] buf = new byte[BLOCK];
    long c2 = cpuNow(wholeProcess);
    long t2 = System.nanoTime();
    try (InputStream in = SealedArchive.newOpeningStream(archive.source(), recipient, BINDING, options)) {
      for (int n; (n = in.read(buf)) > 0; ) opened += n;
    }
    long t3 = System.nanoTime();
    long c3 = cpuNow(wholeProcess);
    if (opened != bytes) throw new IllegalStateException("opened " + opened + " of " + bytes + " bytes");
    return new RoundTrip(sealed, new Figure(bytes, t3 - t2, c3 - c2));
  }

  private static void seal(KemKeyPair recipient, long bytes, SealOptions options, OutputStream sink) throws IOException {
    byte[] block = block();
    try (SealingOutputStream out = SealedArchive.newSealingStream(sink, recipient.publicKey(), BINDING, options)) {
      for (long left = bytes; left > 0; ) {
        int n = (int) Math.min(block.length, left);
        out.write(block, 0, n);
        left -= n;
      }
    }
  }

  private static byte[] block() {
    byte[] b = new byte[BLOCK];
    new Random(2).nextBytes(b);
    return b;
  }

  /** Holds an archive of any size (beyond 2 GiB) in 4 MiB pieces and replays it. */
  private static final class MemorySink extends OutputStream {
    private static final int PIECE = 4 << 20;
    private final List<byte[]> pieces = new ArrayList<>();
    private int used = PIECE;

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      while (len > 0) {
        if (used == PIECE) {
          pieces.add(new byte[PIECE]);
          used = 0;
        }
        int n = Math.min(len, PIECE - used);
        System.arraycopy(b, off, pieces.get(pieces.size() - 1), used, n);
        used += n;
        off += n;
        len -= n;
      }
    }

    InputStream source() {
      return new InputStream() {
        int piece;
        int pos;

        @Override
        public int read() {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
          if (len == 0) return 0;
          while (piece < pieces.size()) {
            int limit = piece == pieces.size() - 1 ? used : PIECE;
            if (pos < limit) {
              int n = Math.min(len, limit - pos);
              System.arraycopy(pieces.get(piece), pos, b, off, n);
              pos += n;
              return n;
            }
            piece++;
            pos = 0;
          }
          return -1;
        }
      };
    }
  }
}
