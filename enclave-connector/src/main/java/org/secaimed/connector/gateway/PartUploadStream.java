package org.secaimed.connector.gateway;

import org.secaimed.connector.SecaimedFailure;
import org.secaimed.connector.io.Digests;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.secaimed.connector.gateway.generated.model.Blob;

/**
 * The sink of a sealing stream: cuts the ciphertext into parts and uploads each as it fills
 * (parts are retried by the client; the gateway keeps the ones it has across restarts), then
 * completes the upload with the whole SHA-256 on {@link #close()}. After {@link #abort()},
 * close() completes nothing, so a failed producer never leaves a complete-looking blob.
 *
 * <p>Up to {@value #IN_FLIGHT} parts upload at once on background threads while the next one
 * fills, so sealing and the network overlap, and the link keeps carrying the next part while the
 * gateway hashes and stores the previous one (one part at a time left the link idle for that
 * long after every part: at 1 Gbit/s a 152 MB study took the link's 1.2 s plus about 1 s). At most
 * {@value #IN_FLIGHT} + 1 parts are held in memory.
 */
final class PartUploadStream extends OutputStream {
  /** Carries a gateway failure through the OutputStream API. */
  static final class GatewayIOException extends IOException implements SecaimedFailure {
    @Override
    public String code() {
      return "GATEWAY_FAILED";
    }

    private static final long serialVersionUID = 1L;
    final GatewayException gateway;

    GatewayIOException(GatewayException e) {
      super(e.getMessage(), e);
      this.gateway = e;
    }
  }

  /** Parts uploading at once: two keep the link busy while the gateway stores a part. */
  static final int IN_FLIGHT = 2;

  private final GatewayClient client;
  private final String uploadId;
  private byte[] buffer;
  private final ArrayDeque<byte[]> spares = new ArrayDeque<>();
  private final ExecutorService uploader = Executors.newFixedThreadPool(IN_FLIGHT, r -> {
    Thread t = new Thread(r, "part-upload");
    t.setDaemon(true);
    return t;
  });
  /** Parts being uploaded, oldest first, with the buffer each one holds. */
  private final ArrayDeque<Sending> inFlight = new ArrayDeque<>();

  private record Sending(Future<?> upload, byte[] part) {}
  private final MessageDigest total = sha256();
  private int pos;
  private int nextPart;
  private long length;
  private boolean aborted;
  private boolean closed;
  private Blob blob;

  /** Completes the upload once every part is stored; v2 adds the owner's policy and commitment key. */
  @FunctionalInterface
  interface Completer {
    Blob complete(String uploadId, String sha256Hex, long length) throws GatewayException;
  }

  private final Completer completer;

  PartUploadStream(GatewayClient client, String uploadId, int partSize) {
    this(client, uploadId, partSize, client::completeUpload);
  }

  PartUploadStream(GatewayClient client, String uploadId, int partSize, Completer completer) {
    this.completer = completer;
    this.client = client;
    this.uploadId = uploadId;
    this.buffer = new byte[partSize];
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (closed || aborted) throw new IOException("upload " + uploadId + " is closed");
    while (len > 0) {
      int n = Math.min(len, buffer.length - pos);
      System.arraycopy(b, off, buffer, pos, n);
      pos += n;
      off += n;
      len -= n;
      if (pos == buffer.length) sendPart();
    }
  }

  private void sendPart() throws IOException {
    total.update(buffer, 0, pos);
    if (inFlight.size() == IN_FLIGHT) awaitOldest(); // frees a buffer
    final byte[] part = buffer;
    final int len = pos;
    final int number = nextPart;
    Future<?> upload = uploader.submit(() -> {
      MessageDigest md = sha256();
      md.update(part, 0, len);
      client.putPart(uploadId, number, part, len, md.digest());
      return null;
    });
    inFlight.add(new Sending(upload, part));
    byte[] spare = spares.poll();
    buffer = spare != null ? spare : new byte[part.length];
    length += len;
    nextPart++;
    pos = 0;
  }

  /** Waits for the oldest part in flight; its buffer becomes free. The first failure aborts the upload. */
  private void awaitOldest() throws IOException {
    Sending oldest = inFlight.poll();
    try {
      oldest.upload().get();
      spares.add(oldest.part());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      aborted = true;
      throw new InterruptedIOException("interrupted while uploading " + uploadId);
    } catch (ExecutionException e) {
      aborted = true;
      if (e.getCause() instanceof GatewayException g) throw new GatewayIOException(g);
      throw new IOException("upload " + uploadId + " failed: " + e.getCause(), e.getCause());
    }
  }

  private void awaitAll() throws IOException {
    while (!inFlight.isEmpty()) awaitOldest();
  }

  void abort() {
    aborted = true;
    uploader.shutdown();
  }

  @Override
  public void close() throws IOException {
    if (closed) return;
    closed = true;
    try {
      if (aborted) return;
      if (pos > 0 || nextPart == 0) {
        if (pos == 0) throw new IOException("upload " + uploadId + ": nothing was written");
        sendPart();
      }
      awaitAll();
      blob = completer.complete(uploadId, Digests.hex(total), length);
    } catch (GatewayException e) {
      throw new GatewayIOException(e);
    } finally {
      uploader.shutdown();
    }
  }

  Blob blob() {
    return blob;
  }

  int partsSent() {
    return nextPart;
  }

  static MessageDigest sha256() {
    return Digests.sha256();
  }
}
