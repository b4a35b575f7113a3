package org.secaimed.connector.party;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.PublicKey;
import org.secaimed.connector.receipt.DsseEnvelope;
import org.secaimed.connector.receipt.ReceiptException;
import org.secaimed.connector.receipt.Receipts;

/**
 * A consent-state entry of the transparency log (docs/gateway-protocol.md, "Log entries"):
 * {@code use} (appended before an input is opened) or {@code revoke} (the owner withdrew consent).
 * Signed by the enclave as a DSSE envelope; its PAE bytes are the log leaf, like a receipt's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "taskId", "blobId", "policyDigest", "owner", "useNumber", "at"})
public record UsageLogEntry(String type, String taskId, String blobId, String policyDigest, String owner, Long useNumber, String at) {
  public static final String PAYLOAD_TYPE = "application/vnd.secaimed.log-entry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public static UsageLogEntry use(String taskId, String blobId, String policyDigest, String owner, long useNumber, String at) {
    return new UsageLogEntry("use", taskId, blobId, policyDigest, owner, useNumber, at);
  }

  public static UsageLogEntry revoke(String policyDigest, String owner, String at) {
    return new UsageLogEntry("revoke", null, null, policyDigest, owner, null, at);
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isUse() {
    return "use".equals(type);
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isRevoke() {
    return "revoke".equals(type);
  }

  public DsseEnvelope sign(PrivateKey enclaveKey, PublicKey enclavePublic) {
    try {
      return DsseEnvelope.sign(PAYLOAD_TYPE, JSON.writeValueAsBytes(this), Receipts.keyId(enclavePublic), enclaveKey);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode log entry", e);
    }
  }

  /** Verifies the enclave's signature and parses the entry. */
  public static UsageLogEntry open(DsseEnvelope env, PublicKey enclavePublic) throws ReceiptException {
    if (!PAYLOAD_TYPE.equals(env.payloadType())) throw new ReceiptException(ReceiptException.Reason.MALFORMED, "not a log entry");
    try {
      UsageLogEntry e = JSON.readValue(env.verifiedPayload(enclavePublic), UsageLogEntry.class);
      if (!e.isUse() && !e.isRevoke()) throw new ReceiptException(ReceiptException.Reason.MALFORMED, "log entry type " + e.type());
      return e;
    } catch (IOException e) {
      throw new ReceiptException(ReceiptException.Reason.MALFORMED, "log entry is not valid JSON");
    }
  }
}
