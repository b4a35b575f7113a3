package org.secaimed.connector.provenance;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.List;
import org.secaimed.connector.receipt.DsseEnvelope;
import org.secaimed.connector.receipt.ReceiptException;
import org.secaimed.connector.receipt.Receipts;

/**
 * The enclave's signed list of every task that used one input blob, at one tree size: what a
 * data-protection officer asks first ("what was done with this series?"). Signed so that the
 * gateway cannot drop a task from the answer; the receipts themselves prove each task.
 */
public record InputUsesIndex(String blobId, String owner, long treeSize, String at, List<ProvenanceIndex.Item> items) {
  public static final String PAYLOAD_TYPE = "application/vnd.secaimed.input-uses-index.v1+json";

  public InputUsesIndex {
    items = items == null ? List.of() : List.copyOf(items);
  }

  public DsseEnvelope sign(PrivateKey key, PublicKey publicKey) {
    try {
      return DsseEnvelope.sign(PAYLOAD_TYPE, Receipts.json().writeValueAsBytes(this), Receipts.keyId(publicKey), key);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the input uses index", e);
    }
  }

  public static InputUsesIndex open(DsseEnvelope envelope, PublicKey attestedKey) throws ReceiptException {
    if (envelope == null || !PAYLOAD_TYPE.equals(envelope.payloadType())) {
      throw new ReceiptException(ReceiptException.Reason.MALFORMED, "the input uses index is missing or has another payload type");
    }
    try {
      InputUsesIndex i = Receipts.json().readValue(envelope.verifiedPayload(attestedKey), InputUsesIndex.class);
      if (i.blobId() == null) throw new ReceiptException(ReceiptException.Reason.MALFORMED, "index lacks blobId");
      return i;
    } catch (java.io.IOException e) {
      throw new ReceiptException(ReceiptException.Reason.MALFORMED, "the input uses index is not JSON: " + e.getMessage(), e);
    }
  }
}
