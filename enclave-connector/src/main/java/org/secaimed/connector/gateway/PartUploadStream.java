package org.secaimed.connector.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.secaimed.connector.gateway.generated.model.Blob;

/**
 * The sink of a sealing stream: cuts the ciphertext into parts and uploads each as it fills
 * (parts are retried by the client; the gateway keeps the ones it has across restarts), then
 * completes the upload with the whole SHA-256 on {@link #close()}. After {@link #abort()},
 * close() completes nothing, so a failed producer never leaves a complete-looking blob.
 */
final class PartUploadStream extends OutputStream {
  /** Carries a gateway failure through the OutputStream API. */
  static final class GatewayIOException extends IOException {
    private static final long serialVersionUID = 1L;
    final GatewayException gateway;

    GatewayIOException(GatewayException e) {
      super(e.getMessage(), e);
      this.gateway = e;
    }
  }

  private final GatewayClient client;
  private final String uploadId;
  private final byte[] buffer;
  private final MessageDigest total = sha256();
  private int pos;
  private int nextPart;
  private long length;
  private boolean aborted;
  private boolean closed;
  private Blob blob;

  PartUploadStream(GatewayClient client, String uploadId, int partSize) {
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
    MessageDigest part = sha256();
    part.update(buffer, 0, pos);
    total.update(buffer, 0, pos);
    try {
      client.putPart(uploadId, nextPart, buffer, pos, part.digest());
    } catch (GatewayException e) {
      aborted = true;
      throw new GatewayIOException(e);
    }
    length += pos;
    nextPart++;
    pos = 0;
  }

  void abort() {
    aborted = true;
  }

  @Override
  public void close() throws IOException {
    if (closed) return;
    closed = true;
    if (aborted) return;
    if (pos > 0 || nextPart == 0) {
      if (pos == 0) throw new IOException("upload " + uploadId + ": nothing was written");
      sendPart();
    }
    try {
      blob = client.completeUpload(uploadId, HexFormat.of().formatHex(total.digest()), length);
    } catch (GatewayException e) {
      throw new GatewayIOException(e);
    }
  }

  Blob blob() {
    return blob;
  }

  int partsSent() {
    return nextPart;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
