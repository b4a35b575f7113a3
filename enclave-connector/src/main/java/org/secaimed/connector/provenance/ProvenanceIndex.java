package org.secaimed.connector.provenance;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.List;
import org.secaimed.connector.receipt.DsseEnvelope;
import org.secaimed.connector.receipt.ReceiptException;
import org.secaimed.connector.receipt.Receipts;

/**
 * The enclave's signed list of every log entry about one model at one tree size: its training
 * task(s) and every later task that named it. Signed (not merely served) so that the untrusted
 * gateway cannot drop a use from the answer: a site compares the receipts it got with this list,
 * and the list's {@code treeSize} with the checkpoint it verified.
 */
public record ProvenanceIndex(String modelId, String modelPolicyDigest, long treeSize, String at, List<Item> items) {
  public static final String PAYLOAD_TYPE = "application/vnd.secaimed.model-provenance-index.v1+json";

  /** One task: {@code role} is {@code training} (produced the model) or {@code use} (named it in parameters.model). */
  public record Item(String taskId, String kind, String role, long leafIndex, String submitter) {}

  public ProvenanceIndex {
    items = items == null ? List.of() : List.copyOf(items);
  }

  public DsseEnvelope sign(PrivateKey key, PublicKey publicKey) {
    try {
      return DsseEnvelope.sign(PAYLOAD_TYPE, Receipts.json().writeValueAsBytes(this), Receipts.keyId(publicKey), key);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the provenance index", e);
    }
  }

  public static ProvenanceIndex open(DsseEnvelope envelope, PublicKey attestedKey) throws ReceiptException {
    if (envelope == null || !PAYLOAD_TYPE.equals(envelope.payloadType())) {
      throw new ReceiptException(ReceiptException.Reason.MALFORMED, "the provenance index is missing or has another payload type");
    }
    try {
      ProvenanceIndex i = Receipts.json().readValue(envelope.verifiedPayload(attestedKey), ProvenanceIndex.class);
      if (i.modelId() == null || i.modelPolicyDigest() == null) throw new ReceiptException(ReceiptException.Reason.MALFORMED, "index lacks modelId");
      return i;
    } catch (java.io.IOException e) {
      throw new ReceiptException(ReceiptException.Reason.MALFORMED, "the provenance index is not JSON: " + e.getMessage(), e);
    }
  }
}
