package org.secaimed.connector.attest.verify.dcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.secaimed.connector.attest.Check;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.verify.VerificationContext;
import org.secaimed.connector.attest.verify.VerifiedEvidence;
import org.secaimed.connector.attest.verify.Vectors;

class DcapVerifierTest {
  static final Instant V4_WINDOW = Instant.parse("2023-06-20T00:00:00Z");
  static final Instant V5_WINDOW = Instant.parse("2026-02-15T00:00:00Z");
  static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");

  static List<byte[]> coll(String... files) {
    List<byte[]> out = new ArrayList<>();
    for (String f : files) out.add(Vectors.bytes(f));
    return out;
  }

  static Check check(VerifiedEvidence v, String id) {
    return v.checks().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError("no check " + id + " in " + v.checks()));
  }

  VerifiedEvidence tdx(String quote, Instant at, List<byte[]> certs, List<byte[]> collateral) throws EvidenceFormatException {
    return new TdxVerifier().verify(new Evidence("tdx", Vectors.bytes(quote), certs, collateral), VerificationContext.at(at));
  }

  @Test
  void v4QuoteSignaturesChainAndCrlsVerifyButNoTcbLevelMatches() throws Exception {
    VerifiedEvidence v = tdx("tdx/quote_v4_spr_e4.dat", V4_WINDOW, Vectors.certs("tdx/tcb_signing_chain.pem"),
        coll("tdx/tcbinfo_tdx_50806f000000.json", "tdx/qe_identity_td_qe_2023.json", "tdx/pckcrl_platform.der", "tdx/intel_sgx_root_ca_crl.der"));
    assertThat(v.verified()).as(v.checks().toString()).isTrue();
    for (String id : List.of("dcap.quote-signature", "dcap.qe-binds-attestation-key", "dcap.qe-report-signature", "dcap.pck-chain",
        "dcap.not-revoked", "dcap.tcb-info-signature", "dcap.qe-identity-signature", "dcap.qe-identity")) {
      assertThat(check(v, id).status()).as(id).isEqualTo(Check.Status.PASS);
    }
    assertThat(v.tcbStatus()).contains("NoMatchingTcbLevel");
    assertThat(v.claims()).containsEntry("qeTcbStatus", "UpToDate").containsEntry("fmspc", "50806f000000");
    assertThat(v.collateralCurrent()).contains(true);
    assertThat(v.referenceValues().get("mrtd")).startsWith("6363b804").endsWith("5cbb");
    assertThat(v.reportData()).get().satisfies(rd -> assertThat(org.secaimed.connector.attest.verify.Hex.of(rd)).startsWith("6c62dec1").endsWith("1113"));
    assertThat(v.debug()).contains(false);
  }

  @Test
  void v4CollateralIsStaleNowButSignaturesStillVerify() throws Exception {
    VerifiedEvidence v = tdx("tdx/quote_v4_spr_e4.dat", NOW, Vectors.certs("tdx/tcb_signing_chain.pem"),
        coll("tdx/tcbinfo_tdx_50806f000000.json", "tdx/qe_identity_td_qe_2023.json", "tdx/pckcrl_platform.der"));
    assertThat(v.verified()).isTrue();
    assertThat(v.collateralCurrent()).contains(false);
  }

  @Test
  void v5QuoteIsUpToDate() throws Exception {
    VerifiedEvidence v = tdx("tdx/quote_v5_sample.dat", V5_WINDOW, Vectors.certs("tdx/tcb_signing_chain.pem"),
        coll("tdx/tcbinfo_tdx_90c06f000000_v5.json", "tdx/qe_identity_td_qe_2023.json"));
    assertThat(v.verified()).as(v.checks().toString()).isTrue();
    assertThat(v.claims()).containsEntry("qeTcbStatus", "UpToDate");
    assertThat(v.claims()).containsEntry("quoteVersion", 5).containsEntry("platformTcbStatus", "UpToDate")
        .containsEntry("tdxModuleTcbStatus", "UpToDate").containsEntry("qeIsvSvn", 7).containsKey("mrServiceTd");
    assertThat(v.tcbStatus()).contains("UpToDate");
    // Intel's TCB signing certificate in the vector expired 2025-05-21 (Intel re-issued it with the same key).
    assertThat(v.collateralCurrent()).contains(false);
  }

  @Test
  void tcbInfoForAnotherPlatformIsRejected() throws Exception {
    VerifiedEvidence v = tdx("tdx/quote_v5_sample.dat", V5_WINDOW, Vectors.certs("tdx/tcb_signing_chain.pem"),
        coll("tdx/tcbinfo_tdx_50806f000000.json"));
    assertThat(check(v, "dcap.tcb-info-for-platform").status()).isEqualTo(Check.Status.FAIL);
    assertThat(v.tcbStatus()).isEmpty();
  }

  @Test
  void editedTcbInfoFailsItsSignature() throws Exception {
    byte[] ti = Vectors.bytes("tdx/tcbinfo_tdx_50806f000000.json");
    String s = new String(ti, java.nio.charset.StandardCharsets.UTF_8).replaceFirst("\"OutOfDate\"", "\"UpToDate\"");
    VerifiedEvidence v = tdx("tdx/quote_v4_spr_e4.dat", V4_WINDOW, Vectors.certs("tdx/tcb_signing_chain.pem"),
        List.of(s.getBytes(java.nio.charset.StandardCharsets.UTF_8), Vectors.bytes("tdx/qe_identity_td_qe_2023.json")));
    assertThat(v.failedCheck()).get().extracting(Check::id).isEqualTo("dcap.tcb-info-signature");
  }

  @Test
  void flippedBodyBitFailsTheQuoteSignature() throws Exception {
    byte[] q = Vectors.bytes("tdx/quote_v4_spr_e4.dat");
    q[48 + 136] ^= 1; // MRTD
    VerifiedEvidence v = new TdxVerifier().verify(new Evidence("tdx", q, List.of(), List.of()), VerificationContext.at(V4_WINDOW));
    assertThat(v.failedCheck()).get().extracting(Check::id).isEqualTo("dcap.quote-signature");
  }

  @Test
  void flippedQeReportBitFailsQeChecks() throws Exception {
    byte[] q = Vectors.bytes("tdx/quote_v4_spr_e4.dat");
    int qeReport = 48 + 584 + 4 + 128 + 6;
    q[qeReport + 320] ^= 1; // QE REPORTDATA
    VerifiedEvidence v = new TdxVerifier().verify(new Evidence("tdx", q, List.of(), List.of()), VerificationContext.at(V4_WINDOW));
    assertThat(check(v, "dcap.qe-binds-attestation-key").status()).isEqualTo(Check.Status.FAIL);
    assertThat(check(v, "dcap.qe-report-signature").status()).isEqualTo(Check.Status.FAIL);
  }

  @Test
  void pckChainOutsideItsValidityFails() throws Exception {
    VerifiedEvidence v = tdx("tdx/quote_v4_spr_e4.dat", Instant.parse("2030-01-01T00:00:00Z"), List.of(), List.of());
    assertThat(v.failedCheck()).get().extracting(Check::id).isEqualTo("dcap.pck-chain-valid");
  }

  @Test
  void sgxQuoteSignaturesVerifyButWithoutQeIdentityTheQuoteIsNotVerified() throws Exception {
    VerifiedEvidence v = new SgxVerifier().verify(new Evidence("sgx", Vectors.bytes("sgx/quote_v3_occlum.dat"), List.of(), List.of()),
        VerificationContext.at(NOW));
    for (String id : List.of("dcap.quote-signature", "dcap.qe-binds-attestation-key", "dcap.qe-report-signature", "dcap.pck-chain", "dcap.qe-is-intel")) {
      assertThat(check(v, id).status()).as(id).isEqualTo(Check.Status.PASS);
    }
    assertThat(v.failedCheck()).get().extracting(Check::id).isEqualTo("dcap.qe-identity");
    assertThat(v.verified()).isFalse();
    assertThat(v.debug()).contains(true);
    assertThat(v.referenceValues().get("mrEnclave")).startsWith("8f173e46").endsWith("1c68");
    assertThat(v.referenceValues().get("mrSigner")).startsWith("83d719e7").endsWith("ce9e");
    assertThat(v.tcbStatus()).isEmpty();
  }

  // ---- issue #10 item 1 (review C2): the Quoting Enclave must always be authenticated ----

  @Test
  void tdxQuotesWithoutQeIdentityAreNotVerifiedWhateverElseIsSupplied() throws Exception {
    VerifiedEvidence v5 = tdx("tdx/quote_v5_sample.dat", V5_WINDOW, Vectors.certs("tdx/tcb_signing_chain.pem"),
        coll("tdx/tcbinfo_tdx_90c06f000000_v5.json"));
    assertThat(v5.verified()).isFalse();
    assertThat(check(v5, "dcap.qe-identity").status()).isEqualTo(Check.Status.FAIL);
    assertThat(check(v5, "dcap.qe-identity").detail()).contains("no QE identity supplied");
    VerifiedEvidence v4 = tdx("tdx/quote_v4_spr_e4.dat", V4_WINDOW, Vectors.certs("tdx/tcb_signing_chain.pem"),
        coll("tdx/tcbinfo_tdx_50806f000000.json", "tdx/pckcrl_platform.der", "tdx/intel_sgx_root_ca_crl.der"));
    assertThat(v4.verified()).isFalse();
    assertThat(v4.failedCheck()).get().extracting(Check::id).isEqualTo("dcap.qe-identity");
    VerifiedEvidence bare = tdx("tdx/quote_v4_spr_e4.dat", V4_WINDOW, List.of(), List.of());
    assertThat(bare.verified()).isFalse();
  }

  @Test
  void qeIdentityIsCheckedEvenWithoutTcbInfo() throws Exception {
    VerifiedEvidence v = tdx("tdx/quote_v4_spr_e4.dat", V4_WINDOW, Vectors.certs("tdx/tcb_signing_chain.pem"),
        coll("tdx/qe_identity_td_qe_2023.json"));
    assertThat(v.verified()).as(v.checks().toString()).isTrue();
    assertThat(check(v, "dcap.qe-identity").status()).isEqualTo(Check.Status.PASS);
    assertThat(v.claims()).containsEntry("qeTcbStatus", "UpToDate");
    assertThat(v.tcbStatus()).isEmpty(); // no TCB info: the policy's tcb-status rule decides
  }

  @Test
  void qeIdentityOfTheWrongQuotingEnclaveFails() throws Exception {
    // A genuine, Intel-signed identity, but of the TD QE: it must not vouch for the SGX QE that signed this quote.
    VerifiedEvidence v = new SgxVerifier().verify(new Evidence("sgx", Vectors.bytes("sgx/quote_v3_occlum.dat"),
        Vectors.certs("tdx/tcb_signing_chain.pem"), coll("tdx/qe_identity_td_qe_2023.json")), VerificationContext.at(Instant.parse("2025-01-01T00:00:00Z")));
    assertThat(check(v, "dcap.qe-identity-signature").status()).isEqualTo(Check.Status.PASS);
    assertThat(check(v, "dcap.qe-identity").status()).isEqualTo(Check.Status.FAIL);
    assertThat(check(v, "dcap.qe-identity").detail()).contains("is not Intel's QE");
    assertThat(v.verified()).isFalse();
  }

  @Test
  void twoQeIdentitiesAreRefused() throws Exception {
    VerifiedEvidence v = tdx("tdx/quote_v4_spr_e4.dat", V4_WINDOW, Vectors.certs("tdx/tcb_signing_chain.pem"),
        coll("tdx/qe_identity_td_qe_2023.json", "tdx/qe_identity_td_qe_2023.json"));
    assertThat(check(v, "dcap.qe-identity").status()).isEqualTo(Check.Status.FAIL);
  }

  @Test
  void intelQuotingEnclavesArePinnedPerKind() throws Exception {
    SgxReport sgxQe = DcapQuote.parse("sgx", Vectors.bytes("sgx/quote_v3_occlum.dat")).qeReport();
    SgxReport tdQe = DcapQuote.parse("tdx", Vectors.bytes("tdx/quote_v4_spr_e4.dat")).qeReport();
    assertThat(IntelQuotingEnclave.SGX_QE.produced(sgxQe)).isTrue();
    assertThat(IntelQuotingEnclave.TD_QE.produced(tdQe)).isTrue();
    assertThat(IntelQuotingEnclave.TD_QE.produced(sgxQe)).isFalse();
    assertThat(IntelQuotingEnclave.SGX_QE.produced(tdQe)).isFalse();
  }

  // ---- issue #10 item 4 (review H2): collateral facts the policy judges ----

  @Test
  void revocationCountsAsCheckedOnlyWithBothIntelCrlsCurrent() throws Exception {
    List<byte[]> base = coll("tdx/tcbinfo_tdx_50806f000000.json", "tdx/qe_identity_td_qe_2023.json");
    List<byte[]> both = new ArrayList<>(base);
    both.addAll(coll("tdx/pckcrl_platform.der", "tdx/intel_sgx_root_ca_crl.der"));
    VerifiedEvidence full = tdx("tdx/quote_v4_spr_e4.dat", V4_WINDOW, Vectors.certs("tdx/tcb_signing_chain.pem"), both);
    assertThat(full.collateral().revocationChecked()).isTrue();
    assertThat(full.collateral().tcbEvaluationDataNumber()).contains(15);
    assertThat(full.collateral().oldestIssue()).contains(Instant.parse("2023-04-03T10:22:51Z"));
    List<byte[]> one = new ArrayList<>(base);
    one.addAll(coll("tdx/pckcrl_platform.der"));
    assertThat(tdx("tdx/quote_v4_spr_e4.dat", V4_WINDOW, Vectors.certs("tdx/tcb_signing_chain.pem"), one).collateral().revocationChecked()).isFalse();
    assertThat(tdx("tdx/quote_v4_spr_e4.dat", NOW, Vectors.certs("tdx/tcb_signing_chain.pem"), both).collateral().revocationChecked())
        .as("stale CRLs do not count").isFalse();
  }

  @Test
  void evidenceDigestIgnoresQuotePadding() {
    byte[] q = Vectors.bytes("tdx/quote_v4_spr_e4.dat");
    byte[] trimmed = java.util.Arrays.copyOf(q, q.length - 39);
    assertThat(org.secaimed.connector.attest.EnclaveAttestation.evidenceDigest(List.of(new Evidence("tdx", q, List.of(), List.of()))))
        .isEqualTo(org.secaimed.connector.attest.EnclaveAttestation.evidenceDigest(List.of(new Evidence("tdx", trimmed, List.of(), List.of()))));
  }

  @Test
  void wrongFormatAndTruncationAreTypedErrors() {
    assertThatThrownBy(() -> new TdxVerifier().verify(new Evidence("tdx", Vectors.bytes("sgx/quote_v3_occlum.dat"), List.of(), List.of()),
        VerificationContext.at(NOW))).isInstanceOf(EvidenceFormatException.class).hasMessageContaining("tee_type");
    byte[] q = java.util.Arrays.copyOf(Vectors.bytes("tdx/quote_v4_spr_e4.dat"), 1000);
    assertThatThrownBy(() -> DcapQuote.parse("tdx", q)).isInstanceOf(EvidenceFormatException.class);
  }
}
