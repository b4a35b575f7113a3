package org.secaimed.connector.attest.verify.dcap;

import org.secaimed.connector.FailureMessages;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.verify.Hex;

/**
 * Intel PCS collateral: {@code {"<body>": {...}, "signature": "<hex r‖s>"}}. Intel signs the
 * exact bytes of the body value as served, so the body is cut out of the raw document by the
 * parser's byte offsets and never re-serialised.
 */
public record SignedJson(String bodyName, byte[] rawBody, JsonNode body, byte[] signature) {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The name of the signed top-level member ("tcbInfo" or "enclaveIdentity"), or null if the document has neither. */
  public static String kind(byte[] json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        if (name.equals("tcbInfo") || name.equals("enclaveIdentity")) return name;
        p.nextToken();
        p.skipChildren();
      }
    } catch (Exception e) {
      return null;
    }
    return null;
  }

  public static SignedJson parse(String format, String where, byte[] json, String bodyName) throws EvidenceFormatException {
    byte[] raw = null;
    String sigHex = null;
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new EvidenceFormatException(format, where, "not a JSON object");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (name.equals(bodyName) && t == JsonToken.START_OBJECT) {
          int start = (int) p.currentTokenLocation().getByteOffset();
          p.skipChildren();
          int end = (int) p.currentLocation().getByteOffset();
          if (raw != null) throw new EvidenceFormatException(format, where + "." + bodyName, "appears twice");
          raw = Arrays.copyOfRange(json, start, end);
        } else if (name.equals("signature") && t == JsonToken.VALUE_STRING) {
          sigHex = p.getText();
        } else {
          p.skipChildren();
        }
      }
    } catch (EvidenceFormatException e) {
      throw e;
    } catch (Exception e) {
      throw new EvidenceFormatException(format, where, "not valid JSON" + FailureMessages.jsonPosition(e));
    }
    if (raw == null) throw new EvidenceFormatException(format, where + "." + bodyName, "missing");
    if (sigHex == null) throw new EvidenceFormatException(format, where + ".signature", "missing");
    byte[] sig;
    try {
      sig = Hex.parse(sigHex);
    } catch (IllegalArgumentException e) {
      throw new EvidenceFormatException(format, where + ".signature", "not hex");
    }
    if (sig.length != 64) throw new EvidenceFormatException(format, where + ".signature", "must be 64 bytes (r‖s), is " + sig.length);
    JsonNode body;
    try {
      body = MAPPER.readTree(raw);
    } catch (Exception e) {
      throw new EvidenceFormatException(format, where + "." + bodyName, "not valid JSON");
    }
    return new SignedJson(bodyName, raw, body, sig);
  }
}
