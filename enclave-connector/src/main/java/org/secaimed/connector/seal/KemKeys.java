package org.secaimed.connector.seal;

import org.secaimed.connector.io.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/**
 * Reads and writes HPKE keys as small JSON files (docs/sealed-archive-format.md, "Key files").
 * Private key files are created owner-only (0600) before any key byte is written, through a
 * temporary file that is moved into place, so a crash never leaves a partial or readable key.
 */
public final class KemKeys {
  static final String PUBLIC_FORMAT = "secaimed-kem-public-key-v1";
  static final String PRIVATE_FORMAT = "secaimed-kem-private-key-v1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private KemKeys() {}

  public static String publicKeyJson(KemPublicKey key) {
    ObjectNode n = JSON.createObjectNode();
    n.put("format", PUBLIC_FORMAT);
    n.put("suite", key.suite().label());
    n.put("keyId", key.keyId());
    n.put("publicKey", Base64.getEncoder().encodeToString(key.encoded()));
    return n.toPrettyString() + "\n";
  }

  public static String privateKeyJson(KemKeyPair pair) {
    ObjectNode n = JSON.createObjectNode();
    n.put("format", PRIVATE_FORMAT);
    n.put("suite", pair.suite().label());
    n.put("keyId", pair.publicKey().keyId());
    n.put("publicKey", Base64.getEncoder().encodeToString(pair.publicKey().encoded()));
    byte[] sk = pair.privateKeyBytes();
    n.put("privateKey", Base64.getEncoder().encodeToString(sk));
    Arrays.fill(sk, (byte) 0);
    return n.toPrettyString() + "\n";
  }

  /** Parses a public key file's content; {@code source} names it in errors. */
  public static KemPublicKey parsePublicKey(String json, String source) throws KeyFileException {
    JsonNode n = parse(json, source);
    requireFormat(n, source, PUBLIC_FORMAT, PRIVATE_FORMAT); // a private key file also carries the public key
    HpkeSuite suite = suite(n, source);
    try {
      KemPublicKey key = KemPublicKey.of(suite, bytes(n, "publicKey", source));
      checkKeyId(n, key, source);
      return key;
    } catch (IllegalArgumentException e) {
      throw new KeyFileException(source + ": field 'publicKey': " + e.getMessage(), e);
    }
  }

  /** Parses a private key file's content (for example from a Kubernetes Secret). */
  public static KemKeyPair parsePrivateKey(String json, String source) throws KeyFileException {
    JsonNode n = parse(json, source);
    requireFormat(n, source, PRIVATE_FORMAT);
    HpkeSuite suite = suite(n, source);
    byte[] pk = bytes(n, "publicKey", source);
    byte[] sk = bytes(n, "privateKey", source);
    try {
      KemKeyPair pair = KemKeyPair.fromEncoded(suite, sk, pk);
      checkKeyId(n, pair.publicKey(), source);
      return pair;
    } catch (IllegalArgumentException e) {
      throw new KeyFileException(source + ": field 'privateKey': " + e.getMessage(), e);
    } finally {
      Arrays.fill(sk, (byte) 0);
    }
  }

  public static KemPublicKey readPublicKey(Path file) throws IOException {
    return parsePublicKey(read(file), file.toString());
  }

  public static KemKeyPair readPrivateKey(Path file) throws IOException {
    return parsePrivateKey(read(file), file.toString());
  }

  /** Writes a public key file (world-readable is fine: it is public), replacing any existing file. */
  public static void writePublicKey(Path file, KemPublicKey key) throws IOException {
    writeAtomically(file, publicKeyJson(key), false);
  }

  /** Writes a private key file readable only by its owner; refuses to overwrite an existing file. */
  public static void writePrivateKey(Path file, KemKeyPair pair) throws IOException {
    if (Files.exists(file)) throw new FileAlreadyExistsException(file.toString(), null, "refusing to overwrite a private key");
    writeAtomically(file, privateKeyJson(pair), true);
  }

  private static void writeAtomically(Path file, String content, boolean ownerOnly) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    if (ownerOnly) AtomicFiles.writeOwnerOnly(file, bytes);
    else AtomicFiles.write(file, bytes);
  }

  private static String read(Path file) throws IOException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new KeyFileException(file + ": cannot read key file: " + e.getMessage(), e);
    }
  }

  private static JsonNode parse(String json, String source) throws KeyFileException {
    try {
      JsonNode n = JSON.readTree(json);
      if (n == null || !n.isObject()) throw new KeyFileException(source + ": not a JSON object");
      return n;
    } catch (IOException e) {
      if (e instanceof KeyFileException k) throw k;
      // Jackson's message may quote file content (key bytes): report only the position.
      String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
          ? " at line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() : "";
      throw new KeyFileException(source + ": not valid JSON" + where);
    }
  }

  private static void requireFormat(JsonNode n, String source, String... accepted) throws KeyFileException {
    String format = n.path("format").asText("");
    for (String a : accepted) if (a.equals(format)) return;
    throw new KeyFileException(source + ": field 'format' is '" + format + "', expected " + String.join(" or ", accepted));
  }

  private static HpkeSuite suite(JsonNode n, String source) throws KeyFileException {
    try {
      return HpkeSuite.fromLabel(n.path("suite").asText(null));
    } catch (IllegalArgumentException e) {
      throw new KeyFileException(source + ": field 'suite': " + e.getMessage());
    }
  }

  private static byte[] bytes(JsonNode n, String field, String source) throws KeyFileException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) throw new KeyFileException(source + ": field '" + field + "' is missing");
    try {
      return Base64.getDecoder().decode(v.asText());
    } catch (IllegalArgumentException e) {
      throw new KeyFileException(source + ": field '" + field + "' is not valid base64");
    }
  }

  private static void checkKeyId(JsonNode n, KemPublicKey key, String source) throws KeyFileException {
    JsonNode id = n.get("keyId");
    if (id != null && !id.asText().equalsIgnoreCase(key.keyId())) {
      throw new KeyFileException(source + ": field 'keyId' does not match the public key (expected " + key.keyId() + ")");
    }
  }
}
