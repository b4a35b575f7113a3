package org.secaimed.connector.seal;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A byte-plane shuffle for 16-bit samples, applied before zstd (as Blosc and HDF5's shuffle
 * filter do): each block of {@value #BLOCK} bytes is rewritten as its even bytes followed by its
 * odd bytes, so the slowly varying high bytes of CT pixels sit together. On the real CT of the
 * test data zstd level 1 then compresses 2.29x instead of 1.81x. DICOM keeps element values at
 * even offsets and the study archive's tar entries start on 512-byte boundaries, so pixel words
 * stay aligned with the blocks. Blocks are independent; the last one may be shorter.
 */
final class BytePlanes {
  static final int BLOCK = 64 << 10;

  private BytePlanes() {}

  static void shuffle(byte[] in, byte[] out, int n) {
    int half = n / 2;
    for (int i = 0; i < half; i++) {
      out[i] = in[2 * i];
      out[half + i] = in[2 * i + 1];
    }
    if ((n & 1) == 1) out[n - 1] = in[n - 1];
  }

  static void unshuffle(byte[] in, byte[] out, int n) {
    int half = n / 2;
    for (int i = 0; i < half; i++) {
      out[2 * i] = in[i];
      out[2 * i + 1] = in[half + i];
    }
    if ((n & 1) == 1) out[n - 1] = in[n - 1];
  }

  /** Shuffles what is written to it, block by block, into {@code out}; close() writes the last, shorter block. */
  static final class Writer extends FilterOutputStream {
    private final byte[] block = new byte[BLOCK];
    private final byte[] planes = new byte[BLOCK];
    private int filled;

    Writer(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        int n = Math.min(len, BLOCK - filled);
        System.arraycopy(b, off, block, filled, n);
        filled += n;
        off += n;
        len -= n;
        if (filled == BLOCK) emit();
      }
    }

    /** Only whole blocks leave before close(): a flush must not cut a block short. */
    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      if (filled > 0) emit();
      java.util.Arrays.fill(block, (byte) 0);
      java.util.Arrays.fill(planes, (byte) 0);
      out.close();
    }

    private void emit() throws IOException {
      shuffle(block, planes, filled);
      out.write(planes, 0, filled);
      filled = 0;
    }
  }

  /** Reads blocks from {@code in} (which ends after the last, possibly shorter, block) and unshuffles them. */
  static final class Reader extends InputStream {
    private final InputStream in;
    private final byte[] planes = new byte[BLOCK];
    private final byte[] block = new byte[BLOCK];
    private int pos;
    private int limit;
    private boolean done;

    Reader(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) return 0;
      if (pos == limit) {
        if (done) return -1;
        int n = in.readNBytes(planes, 0, BLOCK);
        if (n < BLOCK) done = true;
        if (n == 0) return -1;
        unshuffle(planes, block, n);
        pos = 0;
        limit = n;
      }
      int n = Math.min(len, limit - pos);
      System.arraycopy(block, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public void close() throws IOException {
      java.util.Arrays.fill(block, (byte) 0);
      in.close();
    }
  }
}
