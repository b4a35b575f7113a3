package org.secaimed.connector.seal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Seals everything written to it into a sealed archive on the sink. When the options ask for
 * compression, what is written is first compressed ({@link Compression#newEncoder}: shuffled on
 * the caller's thread, zstd-compressed by native workers when the options allow more than one
 * core) while the chunks of what is already compressed are sealed on the worker threads and
 * written to the sink: a pipeline, never compress-everything-then-seal. Memory stays bounded either way.
 *
 * <p>{@link #close()} seals the final chunk and closes the sink: only then is the archive
 * complete. If producing the plaintext fails, call {@link #abort()} instead, which closes the
 * sink without a final chunk so that the recipient rejects the archive as truncated rather than
 * accepting a shorter one.
 */
public final class SealingOutputStream extends OutputStream {
  private static final int PAD_PIECE = 64 << 10;
  /** zstd skippable frame magic (0x184D2A50, little-endian); decoders skip these frames. */
  private static final byte[] SKIPPABLE_MAGIC = {0x50, 0x2A, 0x4D, 0x18};
  private static final long MAX_SKIPPABLE = 1L << 30;

  private final ChunkSealingStream chunks;
  /** {@code chunks} itself, or a zstd encoder that writes into {@code gate}. */
  private final OutputStream front;
  private final Gate gate;
  private final boolean pad;
  private long plaintextBytes;
  private boolean done;

  SealingOutputStream(ChunkSealingStream chunks, Compression compression, int threads) throws IOException {
    this.chunks = chunks;
    this.pad = compression.padToBucket();
    if (compression.encoding().compressed()) {
      this.gate = new Gate(chunks);
      this.front = compression.newEncoder(gate, threads);
    } else {
      this.gate = null;
      this.front = chunks;
    }
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    front.write(b, off, len);
    plaintextBytes += len;
  }

  /** Writes every chunk sealed so far to the sink and flushes it (compressed: ends the current zstd block first). */
  @Override
  public void flush() throws IOException {
    front.flush();
  }

  /** Finishes the compressed stream (and its padding), seals the final chunk, writes everything and closes the sink. */
  @Override
  public void close() throws IOException {
    if (gate != null && !done) {
      done = true;
      try {
        front.close(); // the last block, then the end of the zstd frame; the gate keeps the chunk stream open
        if (pad) pad(chunks.plaintextBytes());
      } catch (IOException | RuntimeException e) {
        chunks.abort();
        throw e;
      }
    }
    chunks.close();
  }

  /** Stops without sealing a final chunk and closes the sink: the partial archive will not open. */
  public void abort() throws IOException {
    if (gate != null && !done) {
      done = true;
      gate.discard = true;
      try {
        front.close(); // frees the encoder's native memory; its last bytes go nowhere
      } catch (IOException | RuntimeException ignored) {
        // the archive is being abandoned anyway
      }
    }
    chunks.abort();
  }

  /** Plaintext bytes accepted so far (before compression). */
  public long plaintextBytes() {
    return plaintextBytes;
  }

  /** Archive bytes written to the sink so far (header included). */
  public long archiveBytes() {
    return chunks.archiveBytes();
  }

  /** The chunk layer underneath, for tests that forge content our writer never produces. */
  ChunkSealingStream chunksForTest() {
    return chunks;
  }

  /**
   * Appends zstd skippable frames after the compressed stream so its length reaches the next
   * Padmé bucket; the frames are sealed like the rest, so nobody outside sees where data ends.
   */
  private void pad(long compressed) throws IOException {
    long remaining = PadmeBuckets.padded(compressed + 8) - compressed;
    byte[] zeros = new byte[(int) Math.min(PAD_PIECE, MAX_SKIPPABLE)];
    while (remaining >= 8) {
      long frame = Math.min(remaining, MAX_SKIPPABLE + 8);
      if (remaining - frame > 0 && remaining - frame < 8) frame -= 8;
      long content = frame - 8;
      chunks.write(SKIPPABLE_MAGIC);
      chunks.write(new byte[] {(byte) content, (byte) (content >>> 8), (byte) (content >>> 16), (byte) (content >>> 24)});
      for (long left = content; left > 0; ) {
        int n = (int) Math.min(left, zeros.length);
        chunks.write(zeros, 0, n);
        left -= n;
      }
      remaining -= frame;
    }
  }

  /** Passes the encoder's output to the chunk stream, never closes it, and swallows output after an abort. */
  private static final class Gate extends OutputStream {
    private final ChunkSealingStream chunks;
    volatile boolean discard;

    Gate(ChunkSealingStream chunks) {
      this.chunks = chunks;
    }

    @Override
    public void write(int b) throws IOException {
      if (!discard) chunks.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (!discard) chunks.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      if (!discard) chunks.flush();
    }

    @Override
    public void close() {}
  }
}
