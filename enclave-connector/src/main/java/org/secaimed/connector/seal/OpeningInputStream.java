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

  /**
   * A batch's verified plaintext; {@code failure} when a chunk in it did not verify, in which case
   * {@code length} covers only the chunks before that one.
   */
  private record Opened(byte[] plain, int length, boolean last, SealedArchiveException failure) {}

  private final InputStream source;
  private final StreamKeys keys;
  private final int chunkSize;
  private final int frameSize;
  private final int chunksPerBatch;
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
  private SealedArchiveException pendingFailure;
  private boolean closed;
  private IOException failure;

  OpeningInputStream(InputStream source, StreamKeys keys, int chunkSize, SealOptions options) {
    this.source = source;
    this.keys = keys;
    this.chunkSize = chunkSize;
    this.frameSize = chunkSize + ChunkCipher.TAG_LENGTH;
    this.chunksPerBatch = options.parallelism() == 1 ? 1 : Batches.chunksPerBatch(chunkSize, options.parallelism());
    this.pipeline = new OrderedPipeline<>(options.parallelism(), "secaimed-open");
  }

  @Override
  public int read() throws IOException {
    if (pos < limit && failure == null && !closed) return current[pos++] & 0xFF; // parsers read byte by byte
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
      if (pendingFailure != null) {
        failure = pendingFailure;
        throw failure;
      }
      if (finished) return -1;
      nextBatch();
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

  private void nextBatch() throws IOException {
    try {
      fill();
      Opened o = pipeline.takeHead();
      if (current != null) plains.offer(current);
      current = o.plain();
      pos = 0;
      limit = o.length();
      if (o.failure() != null) {
        pendingFailure = o.failure(); // the verified chunks before it are still released
        pipeline.close();
      } else if (o.last()) {
        finished = true;
      }
    } catch (IOException | RuntimeException e) {
      failure = e instanceof IOException io ? io
          : new SealedArchiveException(CHUNK_AUTH_FAILED, "chunk could not be opened: " + e.getMessage(), e);
      pipeline.close();
      throw failure;
    }
  }

  /** Reads batches of frames ahead until the window is full or the final frame has been read. */
  private void fill() throws IOException {
    int capacity = chunksPerBatch * frameSize;
    while (!sourceDone && !pipeline.isFull()) {
      byte[] batch = frames.poll();
      if (batch == null) batch = new byte[capacity];
      int n = 0;
      if (carry >= 0) {
        batch[0] = (byte) carry;
        carry = -1;
        n = 1;
      }
      n += source.readNBytes(batch, n, capacity - n);
      boolean endsStream = n < capacity;
      if (!endsStream) {
        int next = source.read(); // one byte of look-ahead tells whether this batch holds the final frame
        if (next < 0) endsStream = true;
        else carry = next;
      }
      sourceDone = endsStream;
      final long first = nextCounter;
      nextCounter += n == 0 ? 1 : (n + frameSize - 1) / frameSize;
      if (nextCounter - 1 > MAX_COUNTER) {
        throw new SealedArchiveException(TOO_LONG, "archive has more than 2^32 chunks");
      }
      final byte[] frameBatch = batch;
      final int length = n;
      final boolean isLast = endsStream;
      pipeline.submit(() -> openBatch(frameBatch, length, first, isLast));
    }
  }

  /** Opens the frames in {@code batch[0..length)}, numbered from {@code first}, stopping at the first bad one. */
  private Opened openBatch(byte[] batch, int length, long first, boolean endsStream) {
    byte[] plain = plains.poll();
    if (plain == null) plain = new byte[chunksPerBatch * chunkSize];
    ChunkCipher cipher = keys.borrow();
    int released = 0;
    long index = first;
    try {
      int off = 0;
      do {
        int frame = Math.min(frameSize, length - off);
        boolean last = endsStream && off + frame == length;
        SealedArchiveException bad = openChunk(cipher, batch, off, frame, index, last, plain, released);
        if (bad != null) {
          Arrays.fill(plain, released, plain.length, (byte) 0);
          return new Opened(plain, released, false, bad);
        }
        released += frame - ChunkCipher.TAG_LENGTH;
        off += frame;
        index++;
      } while (off < length);
      return new Opened(plain, released, endsStream, null);
    } finally {
      keys.giveBack(cipher);
      frames.offer(batch);
    }
  }

  /** Opens one frame into {@code plain} at {@code at}; returns why it failed, or null. */
  private SealedArchiveException openChunk(ChunkCipher cipher, byte[] batch, int off, int length, long index,
      boolean last, byte[] plain, int at) {
    if (length < ChunkCipher.TAG_LENGTH) {
      return new SealedArchiveException(TRUNCATED, index == 0
          ? "archive ends after its header: no chunks"
          : "archive ends inside chunk " + index + " (" + length + " bytes, a chunk has at least 16)");
    }
    try {
      if (cipher.open(index, last, batch, off, length, plain, at) >= 0) return null;
      // Tell truncation and appended data apart from tampering: does the chunk open with the other flag?
      byte[] scratch = new byte[chunkSize];
      boolean otherFlagOpens = cipher.open(index, !last, batch, off, length, scratch, 0) >= 0;
      Arrays.fill(scratch, (byte) 0);
      if (otherFlagOpens && last) {
        return new SealedArchiveException(TRUNCATED, "archive ends after chunk " + index + ", which is not the final chunk");
      }
      if (otherFlagOpens) {
        return new SealedArchiveException(TRAILING_DATA, "data follows the final chunk " + index);
      }
      return new SealedArchiveException(CHUNK_AUTH_FAILED, "chunk " + index + " failed authentication"
          + " (edited, reordered, repeated or from another archive)");
    } catch (GeneralSecurityException e) {
      return new SealedArchiveException(CHUNK_AUTH_FAILED, "chunk " + index + " could not be opened", e);
    }
  }

  private void ensureOpen() throws IOException {
    if (failure != null) throw failure;
    if (closed) throw new IOException("opening stream is closed");
  }
}
