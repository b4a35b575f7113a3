package org.secaimed.connector.attest.validate;

import org.secaimed.connector.io.Digests;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.nimbusds.jose.jwk.JWK;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.secaimed.connector.attest.PolicyException;
import org.secaimed.connector.attest.verify.Hex;
import org.secaimed.connector.attest.validate.PolicyDocument.Document;

/**
 * What evidence this site accepts, as data (docs/policy.md). Loaded from YAML; unknown fields,
 * bad hex and impossible values are rejected with the field named. The digest is the SHA-256 of
 * the exact file bytes, so a receipt can name the policy that admitted the enclave.
 */
public final class Policy {
  public static final int SUPPORTED_VERSION = 1;
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .registerModule(new JavaTimeModule())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final Document doc;
  private final String digest;
  private final List<PublicKey> earVerifierKeys;
  private final String text;

  private Policy(Document doc, String digest, List<PublicKey> earVerifierKeys, String text) {
    this.text = text;
    this.doc = doc;
    this.digest = digest;
    this.earVerifierKeys = earVerifierKeys;
  }

  public static Policy load(Path file) throws PolicyException {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new PolicyException("cannot read policy " + file + ": " + e.getMessage(), e);
    }
  }

  /** Loads a policy shipped in enclave-connector's resources, e.g. {@code policies/dev.yaml}. */
  public static Policy resource(String name) throws PolicyException {
    try (var in = Policy.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) throw new PolicyException("no policy resource " + name);
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new PolicyException("cannot read policy resource " + name, e);
    }
  }

  public static Policy parse(String yaml) throws PolicyException {
    StrictYaml.check(yaml);
    Document d;
    try {
      d = YAML.readValue(yaml, Document.class);
    } catch (UnrecognizedPropertyException e) {
      throw new PolicyException("policy: unknown field '" + e.getPropertyName() + "' at " + path(e));
    } catch (MismatchedInputException e) {
      throw new PolicyException("policy: bad value at " + path(e) + ": " + e.getOriginalMessage());
    } catch (com.fasterxml.jackson.core.JsonParseException e) {
      throw new PolicyException("policy: " + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr() + ")");
    } catch (IOException | IllegalArgumentException e) {
      throw new PolicyException("policy: not valid YAML: " + e.getMessage());
    }
    if (d == null) throw new PolicyException("policy: empty document");
    d.check();
    List<PublicKey> keys = new ArrayList<>();
    for (int i = 0; i < d.ear().verifierKeys().size(); i++) {
      keys.add(publicKey(d.ear().verifierKeys().get(i), "policy: ear.verifierKeys[" + i + "]"));
    }
    return new Policy(d, sha256(yaml.getBytes(StandardCharsets.UTF_8)), List.copyOf(keys), yaml);
  }

  /** A pinned public JWK (EC or RSA); private keys are refused so they never sit in a policy file. */
  public static PublicKey publicKey(JsonNode jwkJson, String where) throws PolicyException {
    JWK jwk;
    try {
      jwk = JWK.parse(jwkJson.toString());
    } catch (Exception e) {
      throw new PolicyException(where + ": not a JWK");
    }
    if (jwk.isPrivate()) throw new PolicyException(where + ": contains a private key; pin the public key only");
    try {
      if (jwk instanceof com.nimbusds.jose.jwk.ECKey ec) return ec.toECPublicKey();
      if (jwk instanceof com.nimbusds.jose.jwk.RSAKey rsa) return rsa.toRSAPublicKey();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new PolicyException(where + ": unusable key: " + e.getMessage());
    }
    throw new PolicyException(where + ": only EC and RSA public keys can be pinned");
  }

  private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (var ref : e.getPath()) {
      if (ref.getFieldName() != null) sb.append(sb.length() == 0 ? "" : ".").append(ref.getFieldName());
      else if (ref.getIndex() >= 0) sb.append('[').append(ref.getIndex()).append(']');
    }
    return sb.length() == 0 ? "(top level)" : sb.toString();
  }

  private static String sha256(byte[] bytes) {
    return Digests.sha256Hex(bytes);
  }

  /** Hex SHA-256 of the exact policy text. */
  public String digest() {
    return digest;
  }

  /** The exact policy text (its SHA-256 is {@link #digest()}), e.g. to keep with a run's record. */
  public String text() {
    return text;
  }

  public String name() {
    return doc.name();
  }

  public Document document() {
    return doc;
  }

  /** EAR verifier keys the policy pins (the only keys an attestation-result token may be signed with). */
  public List<PublicKey> earVerifierKeys() {
    return earVerifierKeys;
  }

}
