package org.secaimed.connector.provider;

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
 * A licence-state entry of the transparency log: {@code licence-use} (appended, and included,
 * before the model bundle is unwrapped for a task) or {@code licence-revoke} (the provider stopped
 * the licence). Signed by the enclave as a DSSE envelope whose PAE bytes are the log leaf, like
 * receipts and the sites' {@code use} entries. {@code run} and {@code siteRun} number the uses of
 * the licence in all and by that site from 1 without gaps, so a provider auditing its licence sees
 * an omitted use as a missing number.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "licenceDigest", "modelDigest", "taskId", "site", "kind", "run", "siteRun", "at"})
public record LicenceLogEntry(String type, String licenceDigest, String modelDigest, String taskId, String site, String kind, Long run,
                              Long siteRun, String at) {
  public static final String PAYLOAD_TYPE = "application/vnd.secaimed.licence-log-entry.v1+json";
  public static final String USE = "licence-use", REVOKE = "licence-revoke";
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public static LicenceLogEntry use(LicenceDecision.Allowed allowed, String taskId, String site, String kind, String at) {
    return new LicenceLogEntry(USE, allowed.licenceDigest(), allowed.modelDigest(), taskId, site, kind, allowed.run(), allowed.siteRun(), at);
  }

  public static LicenceLogEntry revoke(String licenceDigest, String at) {
    return new LicenceLogEntry(REVOKE, licenceDigest, null, null, null, null, null, null, at);
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isUse() {
    return USE.equals(type);
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isRevoke() {
    return REVOKE.equals(type);
  }

  public DsseEnvelope sign(PrivateKey enclaveKey, PublicKey enclavePublic) {
    try {
      return DsseEnvelope.sign(PAYLOAD_TYPE, JSON.writeValueAsBytes(this), Receipts.keyId(enclavePublic), enclaveKey);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode licence log entry", e);
    }
  }

  /** Verifies the enclave's signature and parses the entry. */
  public static LicenceLogEntry open(DsseEnvelope env, PublicKey enclavePublic) throws ReceiptException {
    if (!PAYLOAD_TYPE.equals(env.payloadType())) throw new ReceiptException(ReceiptException.Reason.MALFORMED, "not a licence log entry");
    LicenceLogEntry e;
    try {
      e = JSON.readValue(env.verifiedPayload(enclavePublic), LicenceLogEntry.class);
    } catch (IOException x) {
      throw new ReceiptException(ReceiptException.Reason.MALFORMED, "licence log entry is not valid JSON");
    }
    if (!e.isUse() && !e.isRevoke()) throw new ReceiptException(ReceiptException.Reason.MALFORMED, "licence log entry type " + e.type());
    return e;
  }
}
