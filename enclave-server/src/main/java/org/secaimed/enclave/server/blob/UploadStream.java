package org.secaimed.enclave.server.blob;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.secaimed.connector.io.Digests;
import org.secaimed.enclave.server.blob.UploadStreamException.Reason;

/**
 * The bytes of an upload in order, while it arrives: part after part as each is stored, and the
 * end once the owner's signed completion names the length (docs/gateway-protocol.md, "Streamed
 * ingest"). It hashes what it hands out and, at the end, refuses ({@link Reason#MISMATCH}) unless
 * that is exactly the SHA-256 the completion names, so a task that read it knows the blob id of
 * what it read. An abandoned upload ends it with {@link Reason#ABORTED}; no progress for the
 * stall timeout with {@link Reason#STALLED}. Parts the store has already assembled into the blob
 * are read from the blob.
 *
 * <p>Reads are bounded by what the store accepted (every part was checked against its
 * Content-Digest and its size when stored); nothing here trusts the length before the owner
 * signed it.
 */
public final class UploadStream extends InputStream {
  private final BlobStore store;
  private final String uploadId;
  private final int partSize;
  private final long stallNanos;
  private final MessageDigest sha256 = Digests.sha256();
  private InputStream current;
  private long currentEnd;
  private int nextPart;
  private long offset;
  private String verifiedBlobId;
  private UploadStreamException failure;
  private boolean closed;

  UploadStream(BlobStore store, String uploadId, int partSize, Duration stall) {
    this.store = store;
    this.uploadId = uploadId;
    this.partSize = partSize;
    this.stallNanos = stall.toNanos();
  }

  /** The blob id the owner's completion names, once this stream has reached its end and matched it; else null. */
  public String verifiedBlobId() {
    return verifiedBlobId;
  }

  /** Whether the owner abandoned the upload (a reader waiting for its completion to finish stops then). */
  public boolean uploadAbandoned() throws IOException {
    return store.isAborted(uploadId);
  }

  /** The reason this stream failed, if it did (a parser above may have wrapped the exception). */
  public UploadStreamException failure() {
    return failure;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public synchronized int read(byte[] b, int off, int len) throws IOException {
    if (closed) throw new IOException("upload stream closed");
    if (failure != null) throw failure;
    if (len == 0) return 0;
    try {
      while (true) {
        if (current != null) {
          int n = current.read(b, off, (int) Math.min(len, currentEnd - offset));
          if (n > 0) {
            sha256.update(b, off, n);
            offset += n;
            if (offset == currentEnd) closeCurrent();
            return n;
          }
          closeCurrent();
          if (offset < currentEnd) throw fail(Reason.MISMATCH, "part " + (nextPart - 1) + " ended early");
        }
        if (verifiedBlobId != null || !advance()) return -1;
      }
    } catch (UploadStreamException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting for upload " + uploadId);
    }
  }

  /**
   * Opens the next part (waiting for it); false at the end, after the digest matched. An abandoned
   * upload ends the reader at the next part even when more parts are stored, or while it waits for
   * the completion after a short last part (how an upload whose completion failed is abandoned).
   */
  private boolean advance() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + stallNanos;
    while (true) {
      BlobStore.Completion done = store.completionOf(uploadId);
      if (done != null && offset >= done.length()) return finish(done);
      if (store.isAborted(uploadId)) throw fail(Reason.ABORTED, "upload " + uploadId + " was abandoned by its owner");
      Path part = store.partFile(uploadId, nextPart);
      InputStream in = openIfPresent(part);
      if (in == null) {
        String blobId = store.assembledBlobId(uploadId);
        if (blobId != null) {
          // Completed and assembled meanwhile: the rest comes from the verified blob.
          Path blob = store.blobPath(blobId);
          InputStream b = openIfPresent(blob);
          if (b == null) throw fail(Reason.MISMATCH, "upload " + uploadId + " completed as " + blobId + ", which is not stored");
          openAt(b, offset, Files.size(blob) - offset);
          return true;
        }
        if (!store.awaitChange(uploadId, deadline)) throw stalled();
        continue;
      }
      long size;
      try {
        size = Files.size(part);
      } catch (IOException e) {
        in.close();
        throw e;
      }
      if (done != null && size != Math.min(partSize, done.length() - offset)) {
        in.close();
        throw fail(Reason.MISMATCH, "part " + nextPart + " has " + size + " bytes where the completion expects "
            + Math.min(partSize, done.length() - offset));
      }
      if (done == null && size != partSize) {
        // A short part is the last one: where the upload ends is known only from the signed completion.
        in.close();
        if (!store.awaitChange(uploadId, deadline)) throw stalled();
        continue;
      }
      open(in, size);
      return true;
    }
  }

  /**
   * The file's bytes, or null while it is not there. A {@link FileInputStream}, not a channel: an
   * interrupt of the thread reading (a read-ahead being stopped) must not close the part under the
   * next reader, as it closes an interruptible channel.
   */
  private static InputStream openIfPresent(Path file) {
    try {
      return new FileInputStream(file.toFile());
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  private void openAt(InputStream in, long skip, long size) throws IOException {
    try {
      in.skipNBytes(skip);
    } catch (IOException e) {
      in.close();
      throw e;
    }
    open(in, size);
  }

  private void open(InputStream in, long size) {
    current = in;
    currentEnd = offset + size;
    nextPart++;
  }

  private boolean finish(BlobStore.Completion done) throws UploadStreamException {
    String actual = HexFormat.of().formatHex(sha256.digest());
    if (offset != done.length() || !actual.equals(done.sha256Hex())) {
      throw fail(Reason.MISMATCH, "upload " + uploadId + " does not hash to the SHA-256 its owner's completion names");
    }
    verifiedBlobId = "sha256:" + actual;
    return false;
  }

  private UploadStreamException stalled() {
    return fail(Reason.STALLED, "upload " + uploadId + " received nothing for " + Duration.ofNanos(stallNanos).toSeconds()
        + " s (part " + nextPart + " awaited)");
  }

  private UploadStreamException fail(Reason reason, String message) {
    failure = new UploadStreamException(reason, message);
    return failure;
  }

  private void closeCurrent() throws IOException {
    if (current != null) current.close();
    current = null;
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) return;
    closed = true;
    closeCurrent();
    store.readerClosed(uploadId);
  }
}
