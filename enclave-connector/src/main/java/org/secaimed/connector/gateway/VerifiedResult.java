package org.secaimed.connector.gateway;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.secaimed.connector.receipt.ReceiptBundle;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.seal.SealedArchive;
import org.secaimed.connector.seal.SealedArchiveException;

/**
 * A task result whose sealed bytes, receipt, log inclusion and log consistency all verified.
 * Only now may it be opened: {@link #open} decrypts with the site key, bound to the task, and
 * fails at the end if the plaintext differs from the receipt's digest. The sealed (ciphertext)
 * copy lives in a temp file until {@link #close()}.
 */
public final class VerifiedResult implements AutoCloseable {
  private final String taskId;
  private final TaskReceipt receipt;
  private final ReceiptBundle bundle;
  private final Path sealedFile;

  VerifiedResult(String taskId, TaskReceipt receipt, ReceiptBundle bundle, Path sealedFile) {
    this.taskId = taskId;
    this.receipt = receipt;
    this.bundle = bundle;
    this.sealedFile = sealedFile;
  }

  public String taskId() {
    return taskId;
  }

  public TaskReceipt receipt() {
    return receipt;
  }

  /** The receipt with its proofs, to keep in the run's record ({@link ReceiptBundle#write}). */
  public ReceiptBundle bundle() {
    return bundle;
  }

  /** The plaintext result; throws {@link SealedArchiveException} on any tampering, and at EOF if the digest differs. */
  public InputStream open(KemKeyPair recipient) throws IOException {
    InputStream opened = SealedArchive.newOpeningStream(Files.newInputStream(sealedFile), recipient,
        org.secaimed.connector.gateway.Bindings.result(taskId));
    String expected = receipt.outputDigest("result");
    MessageDigest md = PartUploadStream.sha256();
    return new FilterInputStream(opened) {
      private boolean checked;

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b < 0) check();
        else md.update((byte) b);
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n < 0) check();
        else md.update(buf, off, n);
        return n;
      }

      private void check() throws IOException {
        if (checked) return;
        checked = true;
        if (expected != null && !HexFormat.of().formatHex(md.digest()).equals(expected)) {
          throw new IOException("result plaintext of " + taskId + " does not match the receipt's digest");
        }
      }
    };
  }

  /** Opens and reads the whole (small) result into memory. */
  public byte[] openAll(KemKeyPair recipient) throws IOException {
    try (InputStream in = open(recipient)) {
      return in.readAllBytes();
    }
  }

  @Override
  public void close() throws IOException {
    Files.deleteIfExists(sealedFile);
  }
}
