package org.secaimed.connector.seal;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Seals everything written to it into a sealed archive on the sink. Chunks are encrypted in
 * parallel and written in order; at most a bounded number are in flight, so a slow sink slows
 * the writer instead of filling memory.
 *
 * <p>{@link #close()} seals the final chunk and closes the sink: only then is the archive
 * complete. If producing the plaintext fails, call {@link #abort()} instead, which closes the
 * sink without a final chunk so that the recipient rejects the archive as truncated rather than
 * accepting a shorter one.
 */
public final class SealingOutputStream extends OutputStream {
  private static final long MAX_COUNTER = 0xFFFF_FFFFL;

  private record Sealed(byte[] bytes, int length) {}

  private final OutputStream sink;
  private final StreamKeys keys;
  private final int chunkSize;
  private final OrderedPipeline<Sealed> pipeline;
  private final boolean inline;
  private final ConcurrentLinkedQueue<byte[]> plainBuffers = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<byte[]> sealedBuffers = new ConcurrentLinkedQueue<>();
  private byte[] buffer;
  private int filled;
  private long counter;
  private long plaintextBytes;
  private long archiveBytes;
  private boolean closed;
  private IOException failure;

  SealingOutputStream(OutputStream sink, StreamKeys keys, SealOptions options, long headerBytes) {
    this.sink = sink;
    this.keys = keys;
    this.chunkSize = options.chunkSize();
    this.pipeline = new OrderedPipeline<>(options.parallelism(), "secaimed-seal", true);
    this.inline = options.parallelism() == 1;
    this.buffer = new byte[chunkSize];
    this.archiveBytes = headerBytes;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    ensureOpen();
    while (len > 0) {
      if (filled == chunkSize) dispatch(false); // more data follows, so this chunk is not the last
      if (inline && filled == 0 && len > chunkSize) {
        // On the caller's thread a whole chunk can be sealed straight from the caller's array.
        sealDirect(b, off);
        off += chunkSize;
        len -= chunkSize;
        plaintextBytes += chunkSize;
        continue;
      }
      int n = Math.min(len, chunkSize - filled);
      System.arraycopy(b, off, buffer, filled, n);
      filled += n;
      off += n;
      len -= n;
      plaintextBytes += n;
    }
  }

  /** Writes every chunk sealed so far to the sink and flushes it; a partial chunk stays buffered. */
  @Override
  public void flush() throws IOException {
    ensureOpen();
    try {
      while (!pipeline.isEmpty()) writeHead();
      sink.flush();
    } catch (IOException | RuntimeException e) {
      throw fail(e);
    }
  }

  /** Seals the final chunk, writes everything and closes the sink. */
  @Override
  public void close() throws IOException {
    if (closed) {
      if (failure != null) throw failure;
      return;
    }
    if (failure != null) {
      abort();
      throw failure;
    }
    closed = true;
    try {
      dispatch(true);
      while (!pipeline.isEmpty()) writeHead();
      sink.flush();
    } catch (IOException | RuntimeException e) {
      failure = asIo(e);
      throw failure;
    } finally {
      release();
      sink.close();
    }
  }

  /** Stops without sealing a final chunk and closes the sink: the partial archive will not open. */
  public void abort() throws IOException {
    boolean wasClosed = closed;
    closed = true;
    release();
    if (!wasClosed) sink.close();
  }

  /** Plaintext bytes accepted so far. */
  public long plaintextBytes() {
    return plaintextBytes;
  }

  /** Archive bytes written to the sink so far (header included). */
  public long archiveBytes() {
    return archiveBytes;
  }

  private void dispatch(boolean last) throws IOException {
    if (counter > MAX_COUNTER) {
      throw fail(new SealedArchiveException(SealedArchiveException.Reason.TOO_LONG,
          "more than 2^32 chunks of " + chunkSize + " bytes; use a larger chunk size"));
    }
    try {
      while (pipeline.isFull()) writeHead();
      final byte[] plain = buffer;
      final int length = filled;
      final long index = counter;
      pipeline.submit(() -> sealChunk(plain, length, index, last));
      counter++;
      byte[] next = plainBuffers.poll();
      buffer = next != null ? next : new byte[chunkSize];
      filled = 0;
      while (pipeline.headDone()) writeHead();
    } catch (IOException | RuntimeException e) {
      throw fail(e);
    }
  }

  private void sealDirect(byte[] b, int off) throws IOException {
    if (counter > MAX_COUNTER) {
      throw fail(new SealedArchiveException(SealedArchiveException.Reason.TOO_LONG,
          "more than 2^32 chunks of " + chunkSize + " bytes; use a larger chunk size"));
    }
    byte[] out = sealedBuffers.poll();
    if (out == null) out = new byte[chunkSize + ChunkCipher.TAG_LENGTH];
    ChunkCipher cipher = keys.borrow();
    try {
      while (!pipeline.isEmpty()) writeHead(); // keep chunks in order
      int n = cipher.seal(counter, false, b, off, chunkSize, out);
      counter++;
      sink.write(out, 0, n);
      archiveBytes += n;
      sealedBuffers.offer(out);
    } catch (GeneralSecurityException e) {
      throw fail(new IOException("AES-GCM failed to seal chunk " + counter, e));
    } catch (IOException | RuntimeException e) {
      throw fail(e);
    } finally {
      keys.giveBack(cipher);
    }
  }

  private Sealed sealChunk(byte[] plain, int length, long index, boolean last) throws IOException {
    byte[] out = sealedBuffers.poll();
    if (out == null) out = new byte[chunkSize + ChunkCipher.TAG_LENGTH];
    ChunkCipher cipher = keys.borrow();
    try {
      int n = cipher.seal(index, last, plain, 0, length, out);
      return new Sealed(out, n);
    } catch (GeneralSecurityException e) {
      throw new IOException("AES-GCM failed to seal chunk " + index, e);
    } finally {
      keys.giveBack(cipher);
      plainBuffers.offer(plain); // overwritten by the next chunk; all buffers are zeroed on close
    }
  }

  private void writeHead() throws IOException {
    Sealed s = pipeline.takeHead();
    sink.write(s.bytes(), 0, s.length());
    archiveBytes += s.length();
    sealedBuffers.offer(s.bytes());
  }

  private void ensureOpen() throws IOException {
    if (failure != null) throw failure;
    if (closed) throw new IOException("sealing stream is closed");
  }

  private IOException fail(Exception e) {
    failure = asIo(e);
    return failure;
  }

  private static IOException asIo(Exception e) {
    return e instanceof IOException io ? io : new IOException("sealing failed: " + e.getMessage(), e);
  }

  private void release() {
    pipeline.close();
    keys.wipe();
    Arrays.fill(buffer, (byte) 0);
    for (byte[] p : plainBuffers) Arrays.fill(p, (byte) 0);
    plainBuffers.clear();
    sealedBuffers.clear();
  }
}
