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
  private static final int RAW_CHUNK = SealOptions.DEFAULT_CHUNK_SIZE;
  private static final int MAX_WARM_UP_SECONDS = 10;

  private SealBenchmark() {}

  /** Bytes processed and wall time. */
  public record Figure(long bytes, long nanos) {
    public double mbPerSecond() {
      return bytes / 1e6 / (nanos / 1e9);
    }
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
      long t = System.nanoTime();
      for (long i = 0; i < chunks; i++) c.seal(i, false, in, 0, RAW_CHUNK, out);
      return new Figure(chunks * RAW_CHUNK, System.nanoTime() - t);
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
        return new Figure(2 * n, r.seal().nanos() + r.open().nanos());
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

  private static Figure faster(Figure a, Figure b) {
    return a.mbPerSecond() >= b.mbPerSecond() ? a : b;
  }

  /** Seals {@code bytes} of plaintext into memory, then opens the result, with the given options. */
  public static RoundTrip roundTrip(KemKeyPair recipient, long bytes, SealOptions options) throws IOException {
    byte[] binding = "bench".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] block = block();
    MemorySink sink = new MemorySink();
    long t0 = System.nanoTime();
    try (SealingOutputStream out = SealedArchive.newSealingStream(sink, recipient.publicKey(), binding, options)) {
      for (long left = bytes; left > 0; ) {
        int n = (int) Math.min(block.length, left);
        out.write(block, 0, n);
        left -= n;
      }
    }
    long t1 = System.nanoTime();
    long opened = 0;
    byte[] buf = new byte[BLOCK];
    try (InputStream in = SealedArchive.newOpeningStream(sink.source(), recipient, binding, options)) {
      for (int n; (n = in.read(buf)) > 0; ) opened += n;
    }
    long t2 = System.nanoTime();
    if (opened != bytes) throw new IllegalStateException("opened " + opened + " of " + bytes + " bytes");
    return new RoundTrip(new Figure(bytes, t1 - t0), new Figure(bytes, t2 - t1));
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
