package org.secaimed.connector.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.secaimed.connector.attest.AttestationOutcome;
import org.secaimed.connector.attest.AttestedKeys;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.EvidenceJson;

/**
 * What the site saw when it attested the enclave, kept with a receipt so the receipt can be
 * checked later without trusting the bundle's own key: the evidence exactly as sent, the keys it
 * bound, the site's nonce and the time. Byte fields are base64; evidence uses the gateway's JSON shape.
 */
public record AttestationRecord(String at, String nonce, Keys keys, List<JsonNode> evidence) {

  /** The enclave keys as the gateway offered them. */
  public record Keys(String kemSuite, String kemPublicKey, String signingAlg, String signingPublicKey) {}

  public AttestationRecord {
    evidence = evidence == null ? List.of() : List.copyOf(evidence);
  }

  public static AttestationRecord of(AttestationOutcome outcome) {
    Base64.Encoder b64 = Base64.getEncoder();
    AttestedKeys k = outcome.keys();
    List<JsonNode> ev = new ArrayList<>();
    outcome.submitted().forEach(e -> ev.add(EvidenceJson.toJson(e)));
    return new AttestationRecord(outcome.at().toString(), b64.encodeToString(outcome.nonce()),
        new Keys(k.kemSuite(), b64.encodeToString(k.kemPublicKey()), k.signingAlg(), b64.encodeToString(k.signingPublicKey())), ev);
  }

  Instant instant() throws ReceiptException {
    try {
      return Instant.parse(at);
    } catch (DateTimeParseException | NullPointerException e) {
      throw new ReceiptException(ReceiptException.Reason.MALFORMED, "attestation.at: not an ISO-8601 instant");
    }
  }

  byte[] nonceBytes() throws ReceiptException {
    return decode(nonce, "attestation.nonce");
  }

  AttestedKeys attestedKeys() throws ReceiptException {
    if (keys == null || keys.kemSuite() == null || keys.signingAlg() == null) {
      throw new ReceiptException(ReceiptException.Reason.MALFORMED, "attestation.keys: suite, algorithm and both keys are required");
    }
    return new AttestedKeys(keys.kemSuite(), decode(keys.kemPublicKey(), "attestation.keys.kemPublicKey"), keys.signingAlg(),
        decode(keys.signingPublicKey(), "attestation.keys.signingPublicKey"));
  }

  List<Evidence> evidenceList() throws ReceiptException {
    List<Evidence> out = new ArrayList<>();
    try {
      for (int i = 0; i < evidence.size(); i++) out.add(EvidenceJson.fromJson(evidence.get(i), "attestation.evidence[" + i + "]"));
    } catch (EvidenceFormatException e) {
      throw new ReceiptException(ReceiptException.Reason.MALFORMED, e.getMessage(), e);
    }
    return out;
  }

  private static byte[] decode(String b64, String field) throws ReceiptException {
    try {
      if (b64 == null) throw new IllegalArgumentException("missing");
      return Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw new ReceiptException(ReceiptException.Reason.MALFORMED, field + ": missing or not base64");
    }
  }
}
