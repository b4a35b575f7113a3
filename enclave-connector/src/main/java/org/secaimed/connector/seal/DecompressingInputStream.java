package org.secaimed.connector.seal;

import static org.secaimed.connector.seal.SealedArchiveException.Reason.*;

import com.github.luben.zstd.ZstdInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * The plaintext of a zstd-encoded archive: decompresses the authenticated content of an
 * {@link OpeningInputStream} and refuses, with a typed error, content that is not a valid zstd
 * stream or that expands beyond the {@link ExpansionBound}. The decoder's window is capped too, so
 * a forged frame cannot make it allocate more than 8 MiB.
 */
final class DecompressingInputStream extends InputStream {
  private static final int MAX_PER_READ = 1 << 20;
  private final Counting compressed;
  private final ZstdInputStream zstd;
  private final ExpansionBound bound;
  private long produced;
  private IOException failure;

  DecompressingInputStream(InputStream authenticated, ExpansionBound bound) throws IOException {
    this.compressed = new Counting(authenticated);
    this.bound = bound;
    this.zstd = new ZstdInputStream(compressed);
    zstd.setLongMax(Compression.MAX_WINDOW_LOG);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (failure != null) throw failure;
    if (len == 0) return 0;
    int n;
    try {
      n = zstd.read(b, off, Math.min(len, MAX_PER_READ)); // bounded work between two checks of the bound
    } catch (SealedArchiveException e) {
      throw failure = e; // the chunk layer's own verdict (tampering, truncation), passed on unchanged
    } catch (IOException | RuntimeException e) {
      throw failure = new SealedArchiveException(DECOMPRESSION_FAILED, "the authenticated content is not a valid zstd"
          + " stream after " + produced + " plaintext bytes (" + e.getMessage() + ")", e);
    }
    if (n < 0) return -1;
    produced += n;
    long limit = bound.limitAfter(compressed.count);
    if (produced > limit) {
      Arrays.fill(b, off, off + n, (byte) 0);
      throw failure = new SealedArchiveException(DECOMPRESSED_TOO_LARGE, "content expands past " + limit
          + " bytes after " + compressed.count + " compressed bytes (bound: " + bound.allowanceBytes() + " bytes + "
          + bound.maxRatio() + " x compressed); refused as a decompression bomb");
    }
    return n;
  }

  @Override
  public void close() throws IOException {
    zstd.close();
  }

  /** Counts the compressed bytes the decoder has consumed. */
  private static final class Counting extends FilterInputStream {
    long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) count++;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) count += n;
      return n;
    }
  }
}
