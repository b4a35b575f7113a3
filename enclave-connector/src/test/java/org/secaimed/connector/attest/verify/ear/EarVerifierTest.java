package org.secaimed.connector.attest.verify.ear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.jwk.ECKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.secaimed.connector.attest.Check;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.verify.VerificationContext;
import org.secaimed.connector.attest.verify.VerifiedEvidence;
import org.secaimed.connector.attest.verify.Vectors;

class EarVerifierTest {
  static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");
  final EarVerifier ear = new EarVerifier();

  static PublicKey veraisonKey() throws Exception {
    return ECKey.parse(new String(Vectors.bytes("ear/veraison_test_pubkey.jwk.json"))).toECPublicKey();
  }

  VerifiedEvidence verify(String file, Instant at, PublicKey... keys) throws EvidenceFormatException {
    return ear.verify(new Evidence("ear", Vectors.bytes(file), List.of(), List.of()), new VerificationContext(at, List.of(keys)));
  }

  static String failed(VerifiedEvidence v) {
    return v.failedCheck().map(Check::id).orElse("none");
  }

  @Test
  void validVeraisonEarVerifiesUnderThePinnedKey() throws Exception {
    VerifiedEvidence v = verify("ear/veraison_ear_valid.jwt", NOW, veraisonKey());
    assertThat(v.verified()).as(v.checks().toString()).isTrue();
    assertThat(v.claims()).containsEntry("eat_profile", "tag:github.com,2023:veraison/ear");
    assertThat(v.claims().get("submodStatus")).isEqualTo(java.util.Map.of("test", "affirming"));
    assertThat(v.issuedAt()).contains(Instant.ofEpochSecond(1666091373));
  }

  @Test
  void withoutAPinnedKeyNothingVerifies() throws Exception {
    assertThat(failed(verify("ear/veraison_ear_valid.jwt", NOW))).isEqualTo("ear.signature");
  }

  @Test
  void keyInHeaderIsIgnoredAndThePinnedKeyDecides() throws Exception {
    VerifiedEvidence v = verify("ear/veraison_ear_jwk_in_header.jwt", NOW, veraisonKey());
    assertThat(v.verified()).as(v.checks().toString()).isTrue();
    assertThat(v.checks()).filteredOn(c -> c.id().equals("ear.header-key-ignored")).singleElement().extracting(Check::status)
        .isEqualTo(Check.Status.SKIPPED);
    assertThat(v.checks()).filteredOn(c -> c.id().equals("ear.signature")).singleElement().extracting(Check::status).isEqualTo(Check.Status.PASS);
  }

  @Test
  void realTrusteeTokenWithAJwkHeaderVerifiesUnderItsPinnedKeyOnly() throws Exception {
    String token = new String(Vectors.bytes("ear/trustee_cca_ear_expired.jwt")).strip();
    PublicKey trusteeKey = JWSObject.parse(token).getHeader().getJWK().toECKey().toECPublicKey(); // as a site would pin it
    Instant beforeExpiry = Instant.parse("2025-07-09T11:00:00Z");
    VerifiedEvidence pinned = verify("ear/trustee_cca_ear_expired.jwt", beforeExpiry, trusteeKey);
    assertThat(pinned.verified()).as(pinned.checks().toString()).isTrue();
    assertThat(pinned.claims()).containsEntry("keyBindingLocation", "submods.*.ear.veraison.annotated-evidence.report_data");
    // The same token with only another key pinned: the header key is never used.
    assertThat(failed(verify("ear/trustee_cca_ear_expired.jwt", beforeExpiry, veraisonKey()))).isEqualTo("ear.signature");
  }

  @Test
  void hmacAndNoneAreRefused() throws Exception {
    assertThat(failed(verify("ear/ear_alg_hs256.jwt", NOW, veraisonKey()))).isEqualTo("ear.algorithm");
    assertThat(failed(verify("ear/ear_alg_none.jwt", NOW, veraisonKey()))).isEqualTo("ear.algorithm");
  }

  @Test
  void emptyClaimsAreRefusedDespiteAGoodSignature() throws Exception {
    VerifiedEvidence v = verify("ear/ear_empty_claims_sig_ok.jwt", NOW, veraisonKey());
    assertThat(failed(v)).isEqualTo("ear.claims-present");
  }

  @Test
  void trusteeEarFailsUnderTheVeraisonKeyAndExpires() throws Exception {
    VerifiedEvidence wrongKey = verify("ear/trustee_cca_ear_expired.jwt", Instant.parse("2025-07-09T11:06:00Z"), veraisonKey());
    assertThat(wrongKey.checks()).filteredOn(c -> c.id().equals("ear.signature")).singleElement().extracting(Check::status).isEqualTo(Check.Status.FAIL);
    // Pin the token's own header key (as if the site had pinned that Trustee instance): the signature then
    // verifies, the header key is still refused, and after exp the token is expired.
    String token = new String(Vectors.bytes("ear/trustee_cca_ear_expired.jwt")).strip();
    PublicKey trustee = JWSObject.parse(token).getHeader().getJWK().toECKey().toECPublicKey();
    VerifiedEvidence before = verify("ear/trustee_cca_ear_expired.jwt", Instant.parse("2025-07-09T11:06:00Z"), trustee);
    assertThat(before.checks()).filteredOn(c -> c.id().equals("ear.signature")).singleElement().extracting(Check::status).isEqualTo(Check.Status.PASS);
    assertThat(before.checks()).filteredOn(c -> c.id().equals("ear.not-expired")).singleElement().extracting(Check::status).isEqualTo(Check.Status.PASS);
    VerifiedEvidence after = verify("ear/trustee_cca_ear_expired.jwt", Instant.parse("2025-07-09T11:10:40Z"), trustee);
    assertThat(after.checks()).filteredOn(c -> c.id().equals("ear.not-expired")).singleElement().extracting(Check::status).isEqualTo(Check.Status.FAIL);
  }

  @Test
  void malformedTokensAreTypedErrors() {
    for (String bad : List.of("", "a.b", "a.b.c.d", "!!!.e30.", "e30.e30.e30")) {
      assertThatThrownBy(() -> ear.verify(new Evidence("ear", bad.getBytes(), List.of(), List.of()), VerificationContext.at(NOW)))
          .as(bad).isInstanceOf(EvidenceFormatException.class);
    }
  }
}
