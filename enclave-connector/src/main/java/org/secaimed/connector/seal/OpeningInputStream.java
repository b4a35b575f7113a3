package org.secaimed.connector.seal;

import static org.secaimed.connector.seal.SealedArchiveException.Reason.*;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Reads the plaintext of a sealed archive. A chunk's bytes are released only after that chunk's
 * tag has been verified; the end of the plaintext is reported only after the chunk marked final
 * has been verified and the input has ended. Any failure throws a {@link SealedArchiveException}
 * and every later call throws it again. Chunks are read ahead and opened in parallel.
 */
public final class OpeningInputStream extends InputStream {
  private static final long MAX_COUNTER = 0xFFFF_FFFFL;

  private record Opened(byte[] plain, int length, boolean last) {}

  private final InputStream source;
  private final StreamKeys keys;
  private final int chunkSize;
  private final int frameSize;
  private final OrderedPipeline<Opened> pipeline;
  private final ConcurrentLinkedQueue<byte[]> frames = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<byte[]> plains = new ConcurrentLinkedQueue<>();
  private int carry = -1;
  private boolean sourceDone;
  private long nextCounter;
  private byte[] current;
  private int pos;
  private int limit;
  private boolean finished;
  private boolean closed;
  private IOException failure;

  OpeningInputStream(InputStream source, StreamKeys keys, int chunkSize, SealOptions options) {
    this.source = source;
    this.keys = keys;
    this.chunkSize = chunkSize;
    this.frameSize = chunkSize + ChunkCipher.TAG_LENGTH;
    this.pipeline = new OrderedPipeline<>(options.parallelism(), "secaimed-open", false);
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
    ensureOpen();
    if (len == 0) return 0;
    while (pos == limit) {
      if (finished) return -1;
      nextChunk();
    }
    int n = Math.min(len, limit - pos);
    System.arraycopy(current, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public int available() throws IOException {
    ensureOpen();
    return limit - pos;
  }

  @Override
  public void close() throws IOException {
    if (closed) return;
    closed = true;
    pipeline.close();
    keys.wipe();
    if (current != null) Arrays.fill(current, (byte) 0);
    for (byte[] p : plains) Arrays.fill(p, (byte) 0);
    plains.clear();
    frames.clear();
    source.close();
  }

  private void nextChunk() throws IOException {
    try {
      fill();
      Opened o = pipeline.takeHead();
      if (current != null) plains.offer(current);
      current = o.plain();
      pos = 0;
      limit = o.length();
      if (o.last()) finished = true;
    } catch (IOException | RuntimeException e) {
      failure = e instanceof IOException io ? io
          : new SealedArchiveException(CHUNK_AUTH_FAILED, "chunk could not be opened: " + e.getMessage(), e);
      pipeline.close();
      throw failure;
    }
  }

  /** Reads frames ahead until the window is full or the final frame has been read. */
  private void fill() throws IOException {
    while (!sourceDone && !pipeline.isFull()) {
      byte[] frame = frames.poll();
      if (frame == null) frame = new byte[frameSize];
      int n = 0;
      if (carry >= 0) {
        frame[0] = (byte) carry;
        carry = -1;
        n = 1;
      }
      n += source.readNBytes(frame, n, frameSize - n);
      boolean last = n < frameSize;
      if (!last) {
        int next = source.read(); // one byte of look-ahead tells whether this frame is the final one
        if (next < 0) last = true;
        else carry = next;
      }
      sourceDone = last;
      final long index = nextCounter++;
      if (index > MAX_COUNTER) {
        throw new SealedArchiveException(TOO_LONG, "archive has more than 2^32 chunks");
      }
      final byte[] f = frame;
      final int length = n;
      final boolean isLast = last;
      pipeline.submit(() -> openChunk(f, length, index, isLast));
    }
  }

  private Opened openChunk(byte[] frame, int length, long index, boolean last) throws IOException {
    if (length < ChunkCipher.TAG_LENGTH) {
      frames.offer(frame);
      throw new SealedArchiveException(TRUNCATED, index == 0
          ? "archive ends after its header: no chunks"
          : "archive ends inside chunk " + index + " (" + length + " bytes, a chunk has at least 16)");
    }
    byte[] plain = plains.poll();
    if (plain == null) plain = new byte[chunkSize];
    ChunkCipher cipher = keys.borrow();
    try {
      int n = cipher.open(index, last, frame, 0, length, plain);
      if (n >= 0) return new Opened(plain, n, last);
      Arrays.fill(plain, (byte) 0);
      plains.offer(plain);
      // Tell truncation and appended data apart from tampering: does the chunk open with the other flag?
      byte[] scratch = new byte[chunkSize];
      boolean otherFlagOpens = cipher.open(index, !last, frame, 0, length, scratch) >= 0;
      Arrays.fill(scratch, (byte) 0);
      if (otherFlagOpens && last) {
        throw new SealedArchiveException(TRUNCATED, "archive ends after chunk " + index + ", which is not the final chunk");
      }
      if (otherFlagOpens) {
        throw new SealedArchiveException(TRAILING_DATA, "data follows the final chunk " + index);
      }
      throw new SealedArchiveException(CHUNK_AUTH_FAILED, "chunk " + index + " failed authentication"
          + " (edited, reordered, repeated or from another archive)");
    } catch (GeneralSecurityException e) {
      throw new SealedArchiveException(CHUNK_AUTH_FAILED, "chunk " + index + " could not be opened", e);
    } finally {
      keys.giveBack(cipher);
      frames.offer(frame);
    }
  }

  private void ensureOpen() throws IOException {
    if (failure != null) throw failure;
    if (closed) throw new IOException("opening stream is closed");
  }
}
