package org.secaimed.connector.seal;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The chunk layer of {@link SealingOutputStream}: cuts what is written to it (the plaintext, or
 * its compressed form) into chunks, encrypts them in parallel and writes them in order; at most a
 * bounded number are in flight, so a slow sink slows the writer instead of filling memory.
 *
 * <p>{@link #close()} seals the final chunk and closes the sink; {@link #abort()} closes the sink
 * without a final chunk, so the recipient rejects the archive as truncated.
 */
final class ChunkSealingStream extends OutputStream {
  private static final long MAX_COUNTER = 0xFFFF_FFFFL;

  private record Sealed(byte[] bytes, int length) {}

  private final OutputStream sink;
  private final StreamKeys keys;
  private final int chunkSize;
  /** Plaintext bytes per pipeline job: a whole number of chunks (see {@link Batches}). */
  private final int batchSize;
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

  ChunkSealingStream(OutputStream sink, StreamKeys keys, SealOptions options, long headerBytes) {
    this.sink = sink;
    this.keys = keys;
    this.chunkSize = options.chunkSize();
    this.pipeline = new OrderedPipeline<>(options.parallelism(), "secaimed-seal");
    this.inline = options.parallelism() == 1;
    this.batchSize = inline ? chunkSize : Batches.chunksPerBatch(chunkSize, options.parallelism()) * chunkSize;
    this.buffer = new byte[batchSize];
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
      if (filled == batchSize) dispatch(false); // more data follows, so no chunk in it is the last
      if (inline && filled == 0 && len > chunkSize) {
        // On the caller's thread a whole chunk can be sealed straight from the caller's array.
        sealDirect(b, off);
        off += chunkSize;
        len -= chunkSize;
        plaintextBytes += chunkSize;
        continue;
      }
      int n = Math.min(len, batchSize - filled);
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
      if (failure != null) throw afterFailure();
      return;
    }
    if (failure != null) {
      abort();
      throw afterFailure();
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
  void abort() throws IOException {
    boolean wasClosed = closed;
    closed = true;
    release();
    if (!wasClosed) sink.close();
  }

  /** Bytes accepted so far (the compressed form when the archive is compressed). */
  long plaintextBytes() {
    return plaintextBytes;
  }

  /** Archive bytes written to the sink so far (header included). */
  long archiveBytes() {
    return archiveBytes;
  }

  /**
   * Hands the buffered batch to the pipeline. Every chunk in it is full except, when {@code last},
   * the final one, which carries the last-chunk flag (and is empty only if the archive is).
   */
  private void dispatch(boolean last) throws IOException {
    long chunks = last ? Math.max(1, (filled + chunkSize - 1) / chunkSize) : filled / chunkSize;
    if (counter + chunks - 1 > MAX_COUNTER) {
      throw fail(new SealedArchiveException(SealedArchiveException.Reason.TOO_LONG,
          "more than 2^32 chunks of " + chunkSize + " bytes; use a larger chunk size"));
    }
    try {
      while (pipeline.isFull()) writeHead();
      final byte[] plain = buffer;
      final int length = filled;
      final long first = counter;
      pipeline.submit(() -> sealBatch(plain, length, first, last));
      counter += chunks;
      byte[] next = plainBuffers.poll();
      buffer = next != null ? next : new byte[batchSize];
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
      int n = cipher.seal(counter, false, b, off, chunkSize, out, 0);
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

  /** Seals {@code length} bytes of {@code plain} as consecutive chunks from {@code first} on. */
  private Sealed sealBatch(byte[] plain, int length, long first, boolean last) throws IOException {
    byte[] out = sealedBuffers.poll();
    if (out == null) out = new byte[batchSize / chunkSize * (chunkSize + ChunkCipher.TAG_LENGTH)];
    ChunkCipher cipher = keys.borrow();
    long index = first;
    try {
      int written = 0;
      int done = 0;
      do {
        int n = Math.min(chunkSize, length - done);
        boolean isLast = last && done + n == length;
        written += cipher.seal(index, isLast, plain, done, n, out, written);
        done += n;
        index++;
      } while (done < length);
      return new Sealed(out, written);
    } catch (GeneralSecurityException e) {
      throw new IOException("AES-GCM failed to seal chunk " + index, e);
    } finally {
      keys.giveBack(cipher);
      plainBuffers.offer(plain); // overwritten by the next batch; all buffers are zeroed on close
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

  /**
   * A new exception for close() after a failure: try-with-resources adds close()'s exception to
   * the body's as suppressed, and adding the very same one fails with "Self-suppression not
   * permitted", which would hide the real cause from the user.
   */
  private IOException afterFailure() {
    return new IOException("archive not sealed: " + failure.getMessage(), failure);
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
