package org.secaimed.connector.attest.validate;

import com.fasterxml.jackson.annotation.JsonProperty;
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
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.secaimed.connector.attest.PolicyException;
import org.secaimed.connector.attest.verify.Hex;

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
      .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);

  private final Document doc;
  private final String digest;
  private final List<PublicKey> earVerifierKeys;

  private Policy(Document doc, String digest, List<PublicKey> earVerifierKeys) {
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
    Document d;
    try {
      d = YAML.readValue(yaml, Document.class);
    } catch (UnrecognizedPropertyException e) {
      throw new PolicyException("policy: unknown field '" + e.getPropertyName() + "' at " + path(e));
    } catch (MismatchedInputException e) {
      throw new PolicyException("policy: bad value at " + path(e) + ": " + e.getOriginalMessage());
    } catch (IOException | IllegalArgumentException e) {
      throw new PolicyException("policy: not valid YAML: " + e.getMessage());
    }
    if (d == null) throw new PolicyException("policy: empty document");
    d.check();
    List<PublicKey> keys = new ArrayList<>();
    for (int i = 0; i < d.ear().verifierKeys().size(); i++) {
      keys.add(publicKey(d.ear().verifierKeys().get(i), "policy: ear.verifierKeys[" + i + "]"));
    }
    return new Policy(d, sha256(yaml.getBytes(StandardCharsets.UTF_8)), List.copyOf(keys));
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
    try {
      return Hex.of(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Hex SHA-256 of the exact policy text. */
  public String digest() {
    return digest;
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

  // ---- the YAML document ----

  /** The top-level policy document. */
  public record Document(
      @JsonProperty(required = true) Integer policyVersion,
      String name,
      List<String> allowedFormats,
      Boolean allowInsecureDevEnclave,
      Duration maxEvidenceAge,
      Boolean requireCurrentCollateral,
      SevSnp sevSnp,
      Tdx tdx,
      Sgx sgx,
      Ear ear,
      Dev dev) {
    public Document {
      name = name == null ? "unnamed" : name;
      allowedFormats = allowedFormats == null ? List.of() : List.copyOf(allowedFormats);
      allowInsecureDevEnclave = allowInsecureDevEnclave != null && allowInsecureDevEnclave;
      maxEvidenceAge = maxEvidenceAge == null ? Duration.ofMinutes(10) : maxEvidenceAge;
      requireCurrentCollateral = requireCurrentCollateral == null || requireCurrentCollateral;
      sevSnp = sevSnp == null ? new SevSnp(null, null, null, null, null, null, null, null) : sevSnp;
      tdx = tdx == null ? new Tdx(null, null, null, null, null, null, null, null, null) : tdx;
      sgx = sgx == null ? new Sgx(null, null, null, null, null, null) : sgx;
      ear = ear == null ? new Ear(null, null, null) : ear;
      dev = dev == null ? new Dev(null, null) : dev;
    }

    void check() throws PolicyException {
      if (policyVersion == null || policyVersion != SUPPORTED_VERSION) {
        throw new PolicyException("policy: policyVersion must be " + SUPPORTED_VERSION + " (is " + policyVersion + ")");
      }
      Set<String> known = Set.of("sev-snp", "azure-snp-hcl", "tdx", "sgx", "ear", "composite", "dev");
      for (String f : allowedFormats) {
        if (!known.contains(f)) throw new PolicyException("policy: allowedFormats: unknown format '" + f + "'");
      }
      if (allowedFormats.contains("dev") && !allowInsecureDevEnclave) {
        throw new PolicyException("policy: allowedFormats lists 'dev' but allowInsecureDevEnclave is not true");
      }
      if (maxEvidenceAge.isNegative() || maxEvidenceAge.isZero()) throw new PolicyException("policy: maxEvidenceAge must be positive");
      hexList("sevSnp.measurements", sevSnp.measurements(), 48);
      hexList("sevSnp.hostData", sevSnp.hostData(), 32);
      hexList("sevSnp.idKeyDigests", sevSnp.idKeyDigests(), 48);
      for (String p : sevSnp.products()) {
        if (!Set.of("Milan", "Genoa", "Turin").contains(p)) throw new PolicyException("policy: sevSnp.products: unknown product '" + p + "'");
      }
      for (String k : sevSnp.minimumTcb().keySet()) {
        if (!Set.of("bootLoader", "tee", "snp", "microcode", "fmc").contains(k)) {
          throw new PolicyException("policy: sevSnp.minimumTcb: unknown component '" + k + "'");
        }
      }
      hexList("tdx.mrtd", tdx.mrtd(), 48);
      hexList("tdx.rtmr0", tdx.rtmr0(), 48);
      hexList("tdx.rtmr1", tdx.rtmr1(), 48);
      hexList("tdx.rtmr2", tdx.rtmr2(), 48);
      hexList("tdx.rtmr3", tdx.rtmr3(), 48);
      hexList("tdx.mrConfigId", tdx.mrConfigId(), 48);
      hexList("sgx.mrEnclave", sgx.mrEnclave(), 32);
      hexList("sgx.mrSigner", sgx.mrSigner(), 32);
      hexList("dev.measurements", dev.measurements(), 32);
      statuses("tdx.acceptedTcbStatuses", tdx.acceptedTcbStatuses());
      statuses("sgx.acceptedTcbStatuses", sgx.acceptedTcbStatuses());
    }

    private static void hexList(String field, List<String> values, int length) throws PolicyException {
      for (int i = 0; i < values.size(); i++) {
        byte[] b;
        try {
          b = Hex.parse(values.get(i));
        } catch (IllegalArgumentException e) {
          throw new PolicyException("policy: " + field + "[" + i + "]: not hex");
        }
        if (b.length != length) throw new PolicyException("policy: " + field + "[" + i + "]: must be " + length + " bytes, is " + b.length);
      }
    }

    private static void statuses(String field, List<String> values) throws PolicyException {
      for (String s : values) {
        if (!TcbStatuses.KNOWN.contains(s)) throw new PolicyException("policy: " + field + ": unknown TCB status '" + s + "'; known: " + TcbStatuses.KNOWN);
      }
    }
  }

  /** AMD SEV-SNP rules. */
  public record SevSnp(List<String> products, List<String> measurements, List<String> hostData, List<String> idKeyDigests,
      Boolean allowDebug, Boolean allowMigrationAgent, List<Integer> vmpl, Map<String, Integer> minimumTcb) {
    public SevSnp {
      products = products == null ? List.of("Milan", "Genoa", "Turin") : List.copyOf(products);
      measurements = lower(measurements);
      hostData = lower(hostData);
      idKeyDigests = lower(idKeyDigests);
      allowDebug = allowDebug != null && allowDebug;
      allowMigrationAgent = allowMigrationAgent != null && allowMigrationAgent;
      vmpl = vmpl == null ? List.of(0) : List.copyOf(vmpl);
      minimumTcb = minimumTcb == null ? Map.of() : Map.copyOf(minimumTcb);
    }
  }

  /** Intel TDX rules. */
  public record Tdx(List<String> mrtd, List<String> rtmr0, List<String> rtmr1, List<String> rtmr2, List<String> rtmr3,
      List<String> mrConfigId, Boolean allowDebug, List<String> acceptedTcbStatuses, Boolean requireTcbStatus) {
    public Tdx {
      mrtd = lower(mrtd);
      rtmr0 = lower(rtmr0);
      rtmr1 = lower(rtmr1);
      rtmr2 = lower(rtmr2);
      rtmr3 = lower(rtmr3);
      mrConfigId = lower(mrConfigId);
      allowDebug = allowDebug != null && allowDebug;
      acceptedTcbStatuses = acceptedTcbStatuses == null ? List.of("UpToDate") : List.copyOf(acceptedTcbStatuses);
      requireTcbStatus = requireTcbStatus == null || requireTcbStatus;
    }
  }

  /** Intel SGX rules: MRENCLAVE, or MRSIGNER with product id and minimum SVN. */
  public record Sgx(List<String> mrEnclave, List<String> mrSigner, Integer isvProdId, Integer minIsvSvn, Boolean allowDebug,
      List<String> acceptedTcbStatuses) {
    public Sgx {
      mrEnclave = lower(mrEnclave);
      mrSigner = lower(mrSigner);
      minIsvSvn = minIsvSvn == null ? 0 : minIsvSvn;
      allowDebug = allowDebug != null && allowDebug;
      acceptedTcbStatuses = acceptedTcbStatuses == null ? List.of("UpToDate") : List.copyOf(acceptedTcbStatuses);
    }
  }

  /** Attestation-result (EAR/JWT) rules: pinned verifier keys, accepted profiles, submods that must be affirming. */
  public record Ear(List<JsonNode> verifierKeys, List<String> profiles, List<String> requiredSubmods) {
    public Ear {
      verifierKeys = verifierKeys == null ? List.of() : List.copyOf(verifierKeys);
      profiles = profiles == null ? List.of() : List.copyOf(profiles);
      requiredSubmods = requiredSubmods == null ? List.of() : List.copyOf(requiredSubmods);
    }
  }

  /** Dev enclave rules (only reachable when allowInsecureDevEnclave is true). */
  public record Dev(List<String> measurements, Boolean acceptAnyMeasurement) {
    public Dev {
      measurements = lower(measurements);
      acceptAnyMeasurement = acceptAnyMeasurement != null && acceptAnyMeasurement;
    }
  }

  private static List<String> lower(List<String> values) {
    if (values == null) return List.of();
    List<String> out = new ArrayList<>();
    for (String v : values) {
      String s = v == null ? "" : v.strip().toLowerCase(Locale.ROOT);
      out.add(s.startsWith("0x") ? s.substring(2) : s);
    }
    return List.copyOf(out);
  }
}
