package org.secaimed.connector.receipt;

import org.secaimed.connector.io.AtomicFiles;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything needed to verify a receipt offline, as the site stores it in a run's record:
 * the envelope, the attested signing key, the receipt's log position, a signed checkpoint, the
 * inclusion proof against it and, when the site had an earlier checkpoint, the consistency
 * proof from that one; and the attestation the site accepted (evidence, keys, nonce, time), which
 * anchors the signing key in hardware ({@link ReceiptAnchor}). Byte fields are base64; the
 * checkpoints are signed-note text.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReceiptBundle(
    String format,
    DsseEnvelope envelope,
    String signingPublicKey,
    long leafIndex,
    String checkpoint,
    List<String> inclusionProof,
    Consistency consistency,
    AttestationRecord attestation) {

  public static final String FORMAT = "secaimed-receipt-bundle-v1";

  /** Proof that {@code checkpoint} extends {@code fromCheckpoint} (the one the site stored before). */
  public record Consistency(String fromCheckpoint, List<String> proof) {}

  public ReceiptBundle {
    inclusionProof = inclusionProof == null ? List.of() : List.copyOf(inclusionProof);
  }

  public static ReceiptBundle read(Path file) throws ReceiptException {
    try {
      ReceiptBundle b = Receipts.JSON.readValue(file.toFile(), ReceiptBundle.class);
      if (!FORMAT.equals(b.format())) throw new ReceiptException(ReceiptException.Reason.MALFORMED, file + ": format is not " + FORMAT);
      if (b.envelope() == null || b.signingPublicKey() == null || b.checkpoint() == null) {
        throw new ReceiptException(ReceiptException.Reason.MALFORMED, file + ": envelope, signingPublicKey and checkpoint are required");
      }
      return b;
    } catch (IOException e) {
      throw new ReceiptException(ReceiptException.Reason.MALFORMED, file + ": not a receipt bundle: " + e.getMessage(), e);
    }
  }

  /** Writes atomically (temp file + move), so a crash never leaves half a record. */
  public void write(Path file) throws IOException {
    AtomicFiles.write(file, tmp -> Receipts.JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), this));
  }
}
