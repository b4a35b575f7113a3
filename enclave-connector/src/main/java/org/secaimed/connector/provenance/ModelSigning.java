package org.secaimed.connector.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.secaimed.connector.io.Digests;
import org.secaimed.connector.receipt.DsseEnvelope;
import org.secaimed.connector.receipt.ReceiptException;
import org.secaimed.connector.receipt.Receipts;

/**
 * A model's files as an in-toto Statement in the OpenSSF model-signing v1.0 shape
 * (sigstore/model-transparency): one subject named after the model whose SHA-256 is taken over
 * the raw digests of its files in name order, predicate {@code serialization} + {@code resources}.
 * The enclave signs it with its attested key as a DSSE envelope (no Sigstore bundle: the trust
 * root is the attestation, not a Fulcio certificate); the site verifies it under the attested key.
 */
public final class ModelSigning {
  public static final String PREDICATE_TYPE = "https://model_signing/signature/v1.0";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelSigning() {}

  /** What a verified statement says: the model's name and each file's SHA-256 (hex) by name. */
  public record Manifest(String modelName, Map<String, String> files) {}

  /** Signs the statement over {@code files} (file name → hex SHA-256) with the enclave's key. */
  public static DsseEnvelope sign(String modelName, Map<String, String> files, PrivateKey key, PublicKey publicKey) {
    try {
      return DsseEnvelope.sign(DsseEnvelope.IN_TOTO_PAYLOAD_TYPE, JSON.writeValueAsBytes(statement(modelName, files)),
          Receipts.keyId(publicKey), key);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the model-signing statement", e);
    }
  }

  static ObjectNode statement(String modelName, Map<String, String> files) {
    Map<String, String> sorted = new TreeMap<>(files);
    ObjectNode st = JSON.createObjectNode();
    st.put("_type", Receipts.STATEMENT_TYPE);
    st.putArray("subject").addObject().put("name", modelName).putObject("digest").put("sha256", rootDigest(sorted));
    st.put("predicateType", PREDICATE_TYPE);
    ObjectNode predicate = st.putObject("predicate");
    predicate.putObject("serialization").put("method", "files").put("hash_type", "sha256").put("allow_symlinks", false)
        .putArray("ignore_paths");
    ArrayNode resources = predicate.putArray("resources");
    sorted.forEach((name, hex) -> resources.addObject().put("algorithm", "sha256").put("digest", hex).put("name", name));
    return st;
  }

  /** SHA-256 over the raw bytes of every file digest, in name order (model-signing v1.0's subject digest). */
  static String rootDigest(Map<String, String> sortedFiles) {
    MessageDigest md = Digests.sha256();
    for (String hex : sortedFiles.values()) md.update(HexFormat.of().parseHex(hex));
    return HexFormat.of().formatHex(md.digest());
  }

  /** Verifies the signature under the attested key, the statement's shape and its root digest. */
  public static Manifest verify(DsseEnvelope envelope, PublicKey attestedKey) throws ReceiptException {
    if (envelope == null) throw malformed("no model-signing statement");
    if (!DsseEnvelope.IN_TOTO_PAYLOAD_TYPE.equals(envelope.payloadType())) throw malformed("payloadType is " + envelope.payloadType());
    byte[] payload = envelope.verifiedPayload(attestedKey);
    try {
      JsonNode st = JSON.readTree(payload);
      if (!Receipts.STATEMENT_TYPE.equals(st.path("_type").asText())) throw malformed("_type is not " + Receipts.STATEMENT_TYPE);
      if (!PREDICATE_TYPE.equals(st.path("predicateType").asText())) throw malformed("predicateType is not " + PREDICATE_TYPE);
      JsonNode subjects = st.path("subject");
      if (!subjects.isArray() || subjects.size() != 1) throw malformed("expected exactly one subject");
      Map<String, String> files = new LinkedHashMap<>();
      for (JsonNode r : st.path("predicate").path("resources")) {
        String hex = r.path("digest").asText();
        if (!"sha256".equals(r.path("algorithm").asText()) || !hex.matches("[0-9a-f]{64}")) throw malformed("resource " + r.path("name").asText());
        if (files.put(r.path("name").asText(), hex) != null) throw malformed("resource " + r.path("name").asText() + " is listed twice");
      }
      if (files.isEmpty()) throw malformed("no resources");
      String root = rootDigest(new TreeMap<>(files));
      if (!root.equals(subjects.get(0).path("digest").path("sha256").asText())) {
        throw new ReceiptException(ReceiptException.Reason.MISMATCH, "model-signing subject digest does not cover the listed files");
      }
      return new Manifest(subjects.get(0).path("name").asText(), files);
    } catch (java.io.IOException e) {
      throw malformed("not JSON: " + e.getMessage());
    }
  }

  private static ReceiptException malformed(String m) {
    return new ReceiptException(ReceiptException.Reason.MALFORMED, "model-signing statement: " + m);
  }
}
