package org.secaimed.connector.attest;

import org.secaimed.connector.FailureMessages;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The JSON shape of one evidence in the gateway's attestation response (contracts.md):
 * {@code {"format":..., "data":"<b64>", "certificates":["<b64 DER>"], "collateral":["<b64>"]}}.
 * Also the encoding of a composite evidence's data: a JSON array of such objects.
 */
public final class EvidenceJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private EvidenceJson() {}

  public static ObjectNode toJson(Evidence e) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("format", e.format());
    o.put("data", Base64.getEncoder().encodeToString(e.data()));
    ArrayNode certs = o.putArray("certificates");
    e.certificates().forEach(c -> certs.add(Base64.getEncoder().encodeToString(c)));
    ArrayNode coll = o.putArray("collateral");
    e.collateral().forEach(c -> coll.add(Base64.getEncoder().encodeToString(c)));
    return o;
  }

  /** Parses one evidence object; {@code where} names it in errors (e.g. "evidence[1]"). */
  public static Evidence fromJson(JsonNode o, String where) throws EvidenceFormatException {
    if (o == null || !o.isObject()) throw new EvidenceFormatException("evidence", where, "not a JSON object");
    JsonNode format = o.get("format");
    if (format == null || !format.isTextual() || format.asText().isEmpty()) {
      throw new EvidenceFormatException("evidence", where + ".format", "missing or not a string");
    }
    byte[] data = base64(o.get("data"), format.asText(), where + ".data");
    return new Evidence(format.asText(), data, base64List(o.get("certificates"), format.asText(), where + ".certificates"),
        base64List(o.get("collateral"), format.asText(), where + ".collateral"));
  }

  /** Parses a JSON array of evidence objects. */
  public static List<Evidence> listFromJson(byte[] json, String format) throws EvidenceFormatException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (Exception e) {
      throw new EvidenceFormatException(format, "data", "not JSON" + FailureMessages.jsonPosition(e));
    }
    if (root == null || !root.isArray()) throw new EvidenceFormatException(format, "data", "not a JSON array");
    List<Evidence> out = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) out.add(fromJson(root.get(i), "data[" + i + "]"));
    return out;
  }

  public static byte[] listToJson(List<Evidence> evidence) {
    ArrayNode a = MAPPER.createArrayNode();
    evidence.forEach(e -> a.add(toJson(e)));
    try {
      return MAPPER.writeValueAsBytes(a);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] base64(JsonNode n, String format, String field) throws EvidenceFormatException {
    if (n == null || !n.isTextual()) throw new EvidenceFormatException(format, field, "missing or not a base64 string");
    try {
      return Base64.getDecoder().decode(n.asText());
    } catch (IllegalArgumentException e) {
      throw new EvidenceFormatException(format, field, "not valid base64");
    }
  }

  private static List<byte[]> base64List(JsonNode n, String format, String field) throws EvidenceFormatException {
    List<byte[]> out = new ArrayList<>();
    if (n == null || n.isNull()) return out;
    if (!n.isArray()) throw new EvidenceFormatException(format, field, "not an array");
    for (int i = 0; i < n.size(); i++) out.add(base64(n.get(i), format, field + "[" + i + "]"));
    return out;
  }
}
