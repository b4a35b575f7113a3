package org.secaimed.connector.attest.verify.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.verify.EvidenceVerifier;
import org.secaimed.connector.attest.verify.Hex;
import org.secaimed.connector.attest.verify.VerificationContext;
import org.secaimed.connector.attest.verify.VerifiedEvidence;

/**
 * Verifies {@code dev} evidence from the dev enclave (contracts.md): an Ed25519 signature over
 * the exact JSON bytes by the key in {@code certificates[0]}. The key is self-asserted, so this
 * proves integrity only; the result is marked INSECURE and only a policy with
 * {@code allowInsecureDevEnclave: true} accepts it.
 */
public final class DevEvidenceVerifier implements EvidenceVerifier {
  public static final String FORMAT = "dev";
  public static final String TYPE = "secaimed-dev-evidence-v1";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Override
  public String format() {
    return FORMAT;
  }

  @Override
  public VerifiedEvidence verify(Evidence evidence, VerificationContext context) throws EvidenceFormatException {
    DevClaims claims = DevClaims.parse(evidence.data());
    VerifiedEvidence.Builder r = VerifiedEvidence.builder(FORMAT).insecure(true);
    List<byte[]> certs = evidence.certificates();
    List<byte[]> coll = evidence.collateral();
    if (certs.isEmpty() || coll.isEmpty()) {
      r.fail("dev.signature", "The dev evidence is signed by the key it names",
          "certificates[0] (key) and collateral[0] (signature) are required");
    } else {
      r.expect(verifyEd25519(certs.get(0), evidence.data(), coll.get(0)), "dev.signature",
          "The dev evidence is signed by the key it names", "Ed25519 signature does not verify");
    }
    r.pass("dev.insecure-marked", "The evidence declares itself INSECURE (software key, no hardware root of trust)");
    r.referenceValue("measurement", claims.measurement());
    r.reportData(claims.reportData());
    r.issuedAt(claims.issuedAt());
    r.claim("platform", claims.platform());
    r.claim("insecure", true);
    r.claim("measurement", Hex.of(claims.measurement()));
    r.claim("reportData", Hex.of(claims.reportData()));
    r.claim("issuedAt", claims.issuedAt().toString());
    return r.build();
  }

  private static boolean verifyEd25519(byte[] spki, byte[] data, byte[] signature) {
    try {
      PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(data);
      return s.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** The parsed dev evidence document. */
  public record DevClaims(String platform, byte[] measurement, byte[] reportData, Instant issuedAt) {
    public static DevClaims parse(byte[] data) throws EvidenceFormatException {
      JsonNode o;
      try {
        o = MAPPER.readTree(new String(data, StandardCharsets.UTF_8));
      } catch (Exception e) {
        throw new EvidenceFormatException(FORMAT, "data", "not JSON");
      }
      if (o == null || !o.isObject()) throw new EvidenceFormatException(FORMAT, "data", "not a JSON object");
      if (!TYPE.equals(text(o, "type"))) throw new EvidenceFormatException(FORMAT, "type", "must be " + TYPE);
      JsonNode insecure = o.get("insecure");
      if (insecure == null || !insecure.isBoolean() || !insecure.asBoolean()) {
        throw new EvidenceFormatException(FORMAT, "insecure", "must be true");
      }
      byte[] measurement = hex(o, "measurement", 32);
      byte[] reportData = hex(o, "reportData", 64);
      Instant issuedAt;
      try {
        issuedAt = Instant.parse(text(o, "issuedAt"));
      } catch (DateTimeParseException e) {
        throw new EvidenceFormatException(FORMAT, "issuedAt", "not an ISO-8601 instant");
      }
      return new DevClaims(text(o, "platform"), measurement, reportData, issuedAt);
    }

    private static String text(JsonNode o, String field) throws EvidenceFormatException {
      JsonNode n = o.get(field);
      if (n == null || !n.isTextual()) throw new EvidenceFormatException(FORMAT, field, "missing or not a string");
      return n.asText();
    }

    private static byte[] hex(JsonNode o, String field, int length) throws EvidenceFormatException {
      byte[] b;
      try {
        b = Hex.parse(text(o, field));
      } catch (IllegalArgumentException e) {
        throw new EvidenceFormatException(FORMAT, field, "not hex");
      }
      if (b.length != length) throw new EvidenceFormatException(FORMAT, field, "must be " + length + " bytes, is " + b.length);
      return b;
    }
  }
}
