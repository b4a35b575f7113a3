package org.secaimed.connector.attest.verify.ear;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.verify.EvidenceVerifier;
import org.secaimed.connector.attest.verify.VerificationContext;
import org.secaimed.connector.attest.verify.VerifiedEvidence;

/**
 * {@code ear}: an EAR / JWT attestation result (draft-ietf-rats-ear) from a remote verifier such
 * as CoCo Trustee or Veraison. Genuine only under a key the site pinned (policy or CLI); refused:
 * {@code alg: none}, HMAC,
 * malformed tokens and expired tokens. A key in the token header is ignored, never trusted.
 * Where the 64-byte binding travels depends on the verifier profile ({@link EarBinding}).
 */
public final class EarVerifier implements EvidenceVerifier {
  public static final String FORMAT = "ear";
  private static final Set<JWSAlgorithm> ALLOWED = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512,
      JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512);

  @Override
  public String format() {
    return FORMAT;
  }

  @Override
  public VerifiedEvidence verify(Evidence evidence, VerificationContext context) throws EvidenceFormatException {
    String token = new String(evidence.data(), StandardCharsets.US_ASCII).strip();
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) throw new EvidenceFormatException(FORMAT, "token", "not a compact JWS (expected 3 dot-separated parts, found " + parts.length + ")");
    VerifiedEvidence.Builder r = VerifiedEvidence.builder(FORMAT);
    String alg = headerAlg(parts[0]);
    if (!r.expect(ALLOWED.contains(JWSAlgorithm.parse(alg)), "ear.algorithm",
        "The result is signed with an asymmetric algorithm (not 'none', not a shared-secret HMAC)", "alg '" + alg + "' is not allowed")) {
      return r.build();
    }
    JWSObject jws;
    try {
      jws = JWSObject.parse(token);
    } catch (ParseException | RuntimeException e) {
      throw new EvidenceFormatException(FORMAT, "token", "malformed JWS: " + e.getMessage());
    }
    JWSHeader h = jws.getHeader();
    boolean headerKey = h.getJWK() != null || h.getX509CertChain() != null || h.getX509CertURL() != null || h.getJWKURL() != null;
    if (headerKey) {
      // Real Trustee tokens carry their key in the header; it proves nothing and is never used: only pinned keys are tried.
      r.skip("ear.header-key-ignored", "A verification key carried in the token header is ignored (only pinned keys count)",
          "the header carries a key (jwk/x5c/x5u/jku); not used");
    }
    List<PublicKey> keys = context.pinnedResultKeys();
    boolean signed = false;
    for (PublicKey k : keys) {
      if (verifies(jws, k)) {
        signed = true;
        break;
      }
    }
    r.expect(signed, "ear.signature", "The result is signed by a pinned attestation verifier key",
        keys.isEmpty() ? "no verifier key is pinned" : "signature does not verify under any of the " + keys.size() + " pinned key(s)");
    Map<String, Object> claims = jws.getPayload().toJSONObject();
    if (claims == null) throw new EvidenceFormatException(FORMAT, "payload", "not a JSON object");
    Object profile = claims.get("eat_profile");
    Object verifierId = claims.get("ear.verifier-id");
    Object submods = claims.get("submods");
    Instant iat = instant(claims.get("iat"), "iat");
    boolean complete = profile instanceof String && verifierId instanceof Map && iat != null && submods instanceof Map<?, ?> m && !m.isEmpty();
    r.expect(complete, "ear.claims-present", "The result states its profile, verifier, issue time and appraisals",
        "missing one of eat_profile, ear.verifier-id, iat, submods");
    Instant exp = instant(claims.get("exp"), "exp");
    if (exp == null) r.skip("ear.not-expired", "The result has not expired", "no exp claim; the policy's maximum evidence age applies");
    else r.expect(context.at().isBefore(exp), "ear.not-expired", "The result has not expired", "expired at " + exp + ", now " + context.at());
    Instant nbf = instant(claims.get("nbf"), "nbf");
    if (nbf != null) r.expect(!context.at().isBefore(nbf), "ear.not-before", "The result is already valid (nbf)", "valid from " + nbf);

    r.claim("eat_profile", profile);
    if (iat != null) {
      r.claim("iat", iat.toString());
      r.issuedAt(iat);
    }
    if (exp != null) r.claim("exp", exp.toString());
    r.claim("verifierId", verifierId);
    Map<String, Object> statuses = new LinkedHashMap<>();
    if (submods instanceof Map<?, ?> sm) {
      sm.forEach((k, v) -> statuses.put(String.valueOf(k), v instanceof Map<?, ?> a ? a.get("ear.status") : null));
      Map<String, Object> vectors = new LinkedHashMap<>();
      sm.forEach((k, v) -> {
        if (v instanceof Map<?, ?> a && a.get("ear.trustworthiness-vector") != null) vectors.put(String.valueOf(k), a.get("ear.trustworthiness-vector"));
      });
      if (!vectors.isEmpty()) r.claim("trustworthinessVectors", vectors);
    }
    r.claim("submodStatus", statuses);
    Object nonce = claims.get("eat_nonce");
    if (nonce instanceof String n) r.claim("eat_nonce", n);
    if (submods instanceof Map<?, ?> sm) {
      Map<String, Object> policies = new LinkedHashMap<>();
      sm.forEach((k, v) -> {
        if (v instanceof Map<?, ?> a && a.get("ear.appraisal-policy-id") != null) policies.put(String.valueOf(k), a.get("ear.appraisal-policy-id"));
      });
      r.claim("appraisalPolicyIds", policies);
    }
    r.claim("keyBindingLocation", EarBinding.location(profile));
    EarBinding.of(profile, claims).ifPresent(r::reportData);
    return r.build();
  }

  private static String headerAlg(String b64) throws EvidenceFormatException {
    try {
      Map<String, Object> header = com.nimbusds.jose.util.JSONObjectUtils.parse(new Base64URL(b64).decodeToString());
      Object alg = header.get("alg");
      if (!(alg instanceof String s) || s.isEmpty()) throw new EvidenceFormatException(FORMAT, "header.alg", "missing");
      return s;
    } catch (ParseException | RuntimeException e) {
      throw new EvidenceFormatException(FORMAT, "header", "not base64url JSON");
    }
  }

  private static boolean verifies(JWSObject jws, PublicKey key) {
    try {
      JWSVerifier v;
      if (key instanceof ECPublicKey ec) v = new ECDSAVerifier(ec);
      else if (key instanceof RSAPublicKey rsa) v = new RSASSAVerifier(rsa);
      else return false;
      return jws.verify(v);
    } catch (JOSEException | RuntimeException e) {
      return false;
    }
  }

  private static Instant instant(Object v, String field) throws EvidenceFormatException {
    if (v == null) return null;
    if (!(v instanceof Number n)) throw new EvidenceFormatException(FORMAT, field, "not a number of seconds");
    try {
      return Instant.ofEpochSecond(n.longValue());
    } catch (java.time.DateTimeException e) {
      throw new EvidenceFormatException(FORMAT, field, "out of range");
    }
  }
}
