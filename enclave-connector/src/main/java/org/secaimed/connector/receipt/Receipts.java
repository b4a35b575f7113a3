package org.secaimed.connector.receipt;

import org.secaimed.connector.io.Digests;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * Receipts as DSSE envelopes of in-toto Statements (v1): the subjects are the task's outputs,
 * the predicate is a {@link TaskReceipt}. {@link #sign} is the enclave side, {@link #open} the site side.
 */
public final class Receipts {
  public static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
  static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private Receipts() {}

  /** Signs the receipt with the attested signing key; the DSSE keyid is the key's SHA-256 (hex). */
  public static DsseEnvelope sign(TaskReceipt receipt, PrivateKey signingKey, PublicKey signingPublicKey) {
    ObjectNode statement = JSON.createObjectNode();
    statement.put("_type", STATEMENT_TYPE);
    ArrayNode subjects = statement.putArray("subject");
    for (TaskReceipt.Output o : receipt.outputs()) {
      ObjectNode s = subjects.addObject();
      s.put("name", o.name());
      s.putObject("digest").put("sha256", o.sha256());
    }
    statement.put("predicateType", TaskReceipt.PREDICATE_TYPE);
    statement.set("predicate", JSON.valueToTree(receipt));
    try {
      return DsseEnvelope.sign(DsseEnvelope.IN_TOTO_PAYLOAD_TYPE, JSON.writeValueAsBytes(statement), keyId(signingPublicKey), signingKey);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot encode receipt", e);
    }
  }

  /** Verifies the envelope under the attested key and returns its predicate; subjects must equal the outputs. */
  public static TaskReceipt open(DsseEnvelope envelope, PublicKey attestedSigningKey) throws ReceiptException {
    if (!DsseEnvelope.IN_TOTO_PAYLOAD_TYPE.equals(envelope.payloadType())) {
      throw new ReceiptException(ReceiptException.Reason.MALFORMED, "payloadType is " + envelope.payloadType());
    }
    byte[] payload = envelope.verifiedPayload(attestedSigningKey);
    try {
      JsonNode st = JSON.readTree(payload);
      if (!STATEMENT_TYPE.equals(st.path("_type").asText())) {
        throw new ReceiptException(ReceiptException.Reason.MALFORMED, "statement _type is not " + STATEMENT_TYPE);
      }
      if (!TaskReceipt.PREDICATE_TYPE.equals(st.path("predicateType").asText())) {
        throw new ReceiptException(ReceiptException.Reason.MALFORMED, "predicateType is not " + TaskReceipt.PREDICATE_TYPE);
      }
      TaskReceipt r = JSON.treeToValue(st.get("predicate"), TaskReceipt.class);
      if (r == null || r.taskId() == null || r.algorithm() == null || r.enclave() == null) {
        throw new ReceiptException(ReceiptException.Reason.MALFORMED, "predicate lacks taskId, algorithm or enclave");
      }
      JsonNode subjects = st.path("subject");
      if (!subjects.isArray() || subjects.size() != r.outputs().size()) {
        throw new ReceiptException(ReceiptException.Reason.MALFORMED, "subjects do not list the outputs");
      }
      for (int i = 0; i < subjects.size(); i++) {
        TaskReceipt.Output o = r.outputs().get(i);
        JsonNode s = subjects.get(i);
        if (!o.name().equals(s.path("name").asText()) || !o.sha256().equals(s.path("digest").path("sha256").asText())) {
          throw new ReceiptException(ReceiptException.Reason.MALFORMED, "subject " + i + " differs from output " + o.name());
        }
      }
      return r;
    } catch (java.io.IOException e) {
      throw new ReceiptException(ReceiptException.Reason.MALFORMED, "statement is not valid JSON: " + e.getMessage(), e);
    }
  }

  public static String keyId(PublicKey key) {
    return Digests.sha256Hex(key.getEncoded());
  }

  public static ObjectMapper json() {
    return JSON;
  }
}
