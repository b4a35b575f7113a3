package org.secaimed.connector.seal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads {@code source} on a thread of its own, up to {@value #DEPTH} pieces of {@value #PIECE}
 * bytes ahead of the caller, so that decoding (zstd, the byte-plane unshuffle, opening the chunks
 * underneath) runs on one core while the caller parses on another. It passes on exactly what the
 * source returned, in order, then the source's end or its failure (the same exception, so typed
 * verdicts such as {@link SealedArchiveException} reach the caller unchanged, after the whole
 * pieces read before it; the piece a failure cuts short is dropped). Work ahead is bounded: the
 * thread stops when the pieces are full, at the source's end and at its first failure. {@link #close()} stops the thread, waits
 * for it (the source is never closed while the thread may still be inside it), wipes the pieces
 * and closes the source.
 */
final class ReadAheadInputStream extends InputStream {
  static final int PIECE = 1 << 20;
  static final int DEPTH = 4;
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final long JOIN_MILLIS = 30_000;

  /** A piece of bytes, the end of the source, or its failure. */
  private record Piece(byte[] bytes, int length, Throwable failure) {
    static final Piece END = new Piece(null, -1, null);
  }

  private final InputStream source;
  private final BlockingQueue<Piece> ready = new ArrayBlockingQueue<>(DEPTH);
  private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();
  private final Thread worker;
  private volatile boolean closed;
  private Piece current;
  private int pos;
  private IOException failure;
  private boolean ended;

  ReadAheadInputStream(InputStream source, String name) {
    this.source = Objects.requireNonNull(source, "source");
    this.worker = new Thread(this::readAhead, name + "-" + THREADS.incrementAndGet());
    worker.setDaemon(true);
    worker.start();
  }

  private void readAhead() {
    byte[] buf = null;
    try {
      while (!closed) {
        buf = free.poll();
        if (buf == null) buf = new byte[PIECE];
        int n = source.readNBytes(buf, 0, PIECE);
        if (n > 0) ready.put(new Piece(buf, n, null));
        if (n < PIECE) {
          ready.put(Piece.END);
          return;
        }
      }
    } catch (InterruptedException e) {
      // closed while waiting for room: nobody reads any more
    } catch (Throwable t) {
      if (buf != null) Arrays.fill(buf, (byte) 0); // the piece the failure cut short is dropped, not released
      if (closed) return; // the failure of being closed under our feet: nobody reads any more
      try {
        ready.put(new Piece(null, -1, t));
      } catch (InterruptedException ignored) {
        // closed meanwhile
      }
    }
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
    if (closed) throw new IOException("stream is closed");
    if (failure != null) throw failure;
    if (len == 0) return 0;
    while (current == null || pos == current.length()) {
      if (ended) return -1;
      next();
    }
    int n = Math.min(len, current.length() - pos);
    System.arraycopy(current.bytes(), pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public int available() {
    return current == null || closed ? 0 : current.length() - pos;
  }

  private void next() throws IOException {
    if (current != null) recycle(current.bytes());
    current = null;
    Piece p;
    try {
      p = ready.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure = new InterruptedIOException("interrupted while waiting for the decoded input");
    }
    if (p == Piece.END) {
      ended = true;
      return;
    }
    if (p.failure() != null) {
      Throwable t = p.failure();
      if (t instanceof IOException io) throw failure = io;
      if (t instanceof RuntimeException r) throw r;
      if (t instanceof Error err) throw err;
      throw failure = new IOException(t);
    }
    current = p;
    pos = 0;
  }

  private void recycle(byte[] buf) {
    Arrays.fill(buf, (byte) 0);
    free.offer(buf);
  }

  @Override
  public void close() throws IOException {
    if (closed) return;
    closed = true;
    worker.interrupt();
    try {
      worker.join(JOIN_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (current != null) Arrays.fill(current.bytes(), (byte) 0);
    for (Piece p; (p = ready.poll()) != null; ) if (p.bytes() != null) Arrays.fill(p.bytes(), (byte) 0);
    free.clear();
    source.close();
  }
}
