package org.secaimed.connector.receipt;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import org.secaimed.connector.tlog.Ed25519;

/**
 * A DSSE envelope (secure-systems-lab/dsse v1.0): payload bytes and Ed25519 signatures over the
 * pre-authentication encoding PAE(payloadType, payload). JSON field {@code payload} is base64.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DsseEnvelope(String payloadType, String payload, List<Signature> signatures) {
  public static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Signature(String keyid, String sig) {}

  public DsseEnvelope {
    signatures = signatures == null ? List.of() : List.copyOf(signatures);
  }

  public static DsseEnvelope sign(String payloadType, byte[] payload, String keyId, PrivateKey key) {
    byte[] sig = Ed25519.sign(key, pae(payloadType, payload));
    return new DsseEnvelope(payloadType, Base64.getEncoder().encodeToString(payload),
        List.of(new Signature(keyId, Base64.getEncoder().encodeToString(sig))));
  }

  /** The payload bytes, exactly as signed. */
  @JsonIgnore
  public byte[] payloadBytes() throws ReceiptException {
    try {
      return Base64.getDecoder().decode(payload);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ReceiptException(ReceiptException.Reason.MALFORMED, "envelope payload is not base64");
    }
  }

  /** Returns the payload if at least one signature verifies under {@code key}. */
  public byte[] verifiedPayload(PublicKey key) throws ReceiptException {
    if (payloadType == null) throw new ReceiptException(ReceiptException.Reason.MALFORMED, "envelope has no payloadType");
    byte[] body = payloadBytes();
    byte[] pae = pae(payloadType, body);
    for (Signature s : signatures) {
      byte[] sig;
      try {
        sig = Base64.getDecoder().decode(s.sig());
      } catch (IllegalArgumentException | NullPointerException e) {
        continue;
      }
      if (Ed25519.verify(key, pae, sig)) return body;
    }
    throw new ReceiptException(ReceiptException.Reason.SIGNATURE, "no envelope signature verifies under the attested signing key");
  }

  /** The bytes this receipt contributes to the transparency log: PAE(payloadType, payload). */
  @JsonIgnore
  public byte[] logLeafInput() throws ReceiptException {
    return pae(payloadType, payloadBytes());
  }

  /** PAE(type, body) = "DSSEv1" SP len(type) SP type SP len(body) SP body, lengths in ASCII decimal bytes. */
  public static byte[] pae(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + type.length + 32);
    out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(type);
    out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(payload);
    return out.toByteArray();
  }
}
