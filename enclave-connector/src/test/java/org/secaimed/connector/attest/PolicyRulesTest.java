package org.secaimed.connector.attest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.attest.validate.PolicyValidator;
import org.secaimed.connector.attest.verify.VerificationContext;
import org.secaimed.connector.attest.verify.VerifiedEvidence;
import org.secaimed.connector.attest.verify.Verifiers;
import org.secaimed.connector.attest.verify.Vectors;

/** Policy rules on real evidence (issue #10 items 2, 3, 4, 6): each test fails on the verifier and policy before the issue. */
class PolicyRulesTest {
  static final Instant V4 = Instant.parse("2023-06-20T00:00:00Z");
  static final Instant V5 = Instant.parse("2026-02-15T00:00:00Z");
  static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");

  static VerifiedEvidence verify(Evidence e, Instant at) {
    return Verifiers.standard().verify(e, VerificationContext.at(at));
  }

  static List<Check> judge(String policyYaml, VerifiedEvidence v, Instant at) throws Exception {
    return new PolicyValidator(Policy.parse(policyYaml)).validate(v, at);
  }

  static Check.Status status(List<Check> checks, String id) {
    return checks.stream().filter(c -> c.id().equals(id)).findFirst().map(Check::status)
        .orElseThrow(() -> new AssertionError("no check " + id + " in " + checks));
  }

  static List<byte[]> files(String... names) {
    List<byte[]> out = new ArrayList<>();
    for (String n : names) out.add(Vectors.bytes(n));
    return out;
  }

  static VerifiedEvidence tdxV4(String... collateral) {
    return verify(new Evidence("tdx", Vectors.bytes("tdx/quote_v4_spr_e4.dat"), Vectors.certs("tdx/tcb_signing_chain.pem"), files(collateral)), V4);
  }

  static String tdxPolicy(VerifiedEvidence v, String extra) {
    return "policyVersion: 1\nallowedFormats: [tdx]\n" + extra + "tdx:\n  mrtd: [" + v.referenceValues().get("mrtd") + "]\n"
        + "  acceptedTcbStatuses: [UpToDate, NoMatchingTcbLevel]\n  tdAttributesMask: \"0000000000000000\"\n";
  }

  // ---- item 1 end to end: the review's reproduction (v5, TCB info, no QE identity, MRTD pinned, UpToDate required) ----

  @Test
  void tdxWithoutQeIdentityIsNotAcceptedUnderAStrictPolicy() throws Exception {
    VerifiedEvidence v = verify(new Evidence("tdx", Vectors.bytes("tdx/quote_v5_sample.dat"), Vectors.certs("tdx/tcb_signing_chain.pem"),
        files("tdx/tcbinfo_tdx_90c06f000000_v5.json")), V5);
    List<Check> checks = judge("policyVersion: 1\nallowedFormats: [tdx]\nrequireRevocation: false\nrequireCurrentCollateral: false\n"
        + "tdx:\n  mrtd: [" + v.referenceValues().get("mrtd") + "]\n", v, V5);
    assertThat(v.verified()).isFalse();
    assertThat(status(checks, "policy.claims")).isEqualTo(Check.Status.SKIPPED);
  }

  // ---- item 2 (C3): azure-snp-hcl attests only the paravisor ----

  @Test
  void azureHclEvidenceIsRefusedEvenWithItsMeasurementPinned() throws Exception {
    VerifiedEvidence v = verify(new Evidence("azure-snp-hcl", Vectors.bytes("sev-snp/azure-genoa/hcl-report.bin"),
        Vectors.certs("sev-snp/azure-genoa/vcek.pem", "sev-snp/roots/ask_ark_genoa.pem"), List.of()), NOW);
    assertThat(v.verified()).as(v.checks().toString()).isTrue();
    String policy = "policyVersion: 1\nallowedFormats: [azure-snp-hcl]\nrequireRevocation: false\nsevSnp:\n  measurements: ["
        + v.referenceValues().get("measurement") + "]\n  allowProvisionalFirmware: true\n";
    List<Check> checks = judge(policy, v, NOW);
    assertThat(status(checks, "policy.azure-guest-attested")).isEqualTo(Check.Status.FAIL);
    assertThat(status(checks, "policy.measurement")).isEqualTo(Check.Status.PASS);
    // Only an explicit, non-production opt-in accepts it, and the check says what that means.
    List<Check> optIn = judge(policy + "azureSnpHcl: {allowParavisorOnlyEvidence: true}\n", v, NOW);
    assertThat(status(optIn, "policy.azure-paravisor-only-allowed")).isEqualTo(Check.Status.PASS);
  }

  // ---- item 3 (H1): TD attributes and XFAM, RTMRs in production ----

  @Test
  void tdAttributesAreJudgedUnderAMask() throws Exception {
    VerifiedEvidence v4 = tdxV4("tdx/tcbinfo_tdx_50806f000000.json", "tdx/qe_identity_td_qe_2023.json");
    String base = "policyVersion: 1\nallowedFormats: [tdx]\nrequireRevocation: false\ntdx:\n  mrtd: [" + v4.referenceValues().get("mrtd")
        + "]\n  acceptedTcbStatuses: [NoMatchingTcbLevel]\n";
    // Default mask: SEPT_VE_DISABLE required, other feature bits clear; this TD has PKS set and SEPT_VE_DISABLE clear.
    assertThat(status(judge(base, v4, V4), "policy.tdx-attributes")).isEqualTo(Check.Status.FAIL);
    assertThat(status(judge(base + "  tdAttributes: \"0000004000000000\"\n", v4, V4), "policy.tdx-attributes")).isEqualTo(Check.Status.PASS);
    assertThat(status(judge(base + "  xfam: \"e71a060000000000\"\n  xfamMask: \"ffffffffffffffff\"\n", v4, V4), "policy.tdx-xfam"))
        .isEqualTo(Check.Status.PASS);
    assertThat(status(judge(base + "  xfam: \"e702060000000000\"\n  xfamMask: \"ffffffffffffffff\"\n", v4, V4), "policy.tdx-xfam"))
        .isEqualTo(Check.Status.FAIL);
  }

  @Test
  void productionTdxNeedsRtmrsPinned() throws Exception {
    VerifiedEvidence v4 = tdxV4("tdx/tcbinfo_tdx_50806f000000.json", "tdx/qe_identity_td_qe_2023.json");
    String open = "policyVersion: 1\nprofile: production\nallowedFormats: [tdx]\nmaxCollateralAge: P35D\nminimumTcbEvaluationDataNumber: 15\n"
        + "tdx:\n  mrtd: [" + v4.referenceValues().get("mrtd") + "]\n  xfam: \"e71a060000000000\"\n  xfamMask: \"ffffffffffffffff\"\n";
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Policy.parse(open)).isInstanceOf(PolicyException.class)
        .hasMessageContaining("tdx.rtmr1 and tdx.rtmr2").hasMessageContaining("tdx.rtmr3 or tdx.mrConfigId");
  }

  // ---- item 4 (H2): revocation, TCB evaluation number, collateral age, SNP staleness ----

  @Test
  void revocationIsRequiredByDefault() throws Exception {
    VerifiedEvidence noCrl = tdxV4("tdx/tcbinfo_tdx_50806f000000.json", "tdx/qe_identity_td_qe_2023.json");
    assertThat(status(judge(tdxPolicy(noCrl, ""), noCrl, V4), "policy.revocation-checked")).isEqualTo(Check.Status.FAIL);
    VerifiedEvidence withCrls = tdxV4("tdx/tcbinfo_tdx_50806f000000.json", "tdx/qe_identity_td_qe_2023.json",
        "tdx/pckcrl_platform.der", "tdx/intel_sgx_root_ca_crl.der");
    assertThat(status(judge(tdxPolicy(withCrls, ""), withCrls, V4), "policy.revocation-checked")).isEqualTo(Check.Status.PASS);
    VerifiedEvidence snp = verify(new Evidence("sev-snp", Vectors.bytes("sev-snp/azure-genoa/report.bin"),
        Vectors.certs("sev-snp/azure-genoa/vcek.pem", "sev-snp/roots/ask_ark_genoa.pem"), List.of()), NOW);
    assertThat(status(judge("policyVersion: 1\nallowedFormats: [sev-snp]\n", snp, NOW), "policy.revocation-checked")).isEqualTo(Check.Status.FAIL);
  }

  @Test
  void tcbEvaluationNumberAndCollateralAgeAreJudged() throws Exception {
    VerifiedEvidence v = tdxV4("tdx/tcbinfo_tdx_50806f000000.json", "tdx/qe_identity_td_qe_2023.json",
        "tdx/pckcrl_platform.der", "tdx/intel_sgx_root_ca_crl.der");
    assertThat(status(judge(tdxPolicy(v, "minimumTcbEvaluationDataNumber: 16\n"), v, V4), "policy.tcb-evaluation-number")).isEqualTo(Check.Status.FAIL);
    assertThat(status(judge(tdxPolicy(v, "minimumTcbEvaluationDataNumber: 15\n"), v, V4), "policy.tcb-evaluation-number")).isEqualTo(Check.Status.PASS);
    // The Root CA CRL was issued 2023-04-03: older than 30 days at 2023-06-20.
    assertThat(status(judge(tdxPolicy(v, "maxCollateralAge: P30D\n"), v, V4), "policy.collateral-age")).isEqualTo(Check.Status.FAIL);
    assertThat(status(judge(tdxPolicy(v, "maxCollateralAge: P90D\n"), v, V4), "policy.collateral-age")).isEqualTo(Check.Status.PASS);
  }

  @Test
  void staleSnpCollateralIsJudged() throws Exception {
    // No stale ARK-signed CRL exists in the shared vectors (it would need AMD's key), so the verifier's finding is built directly.
    VerifiedEvidence stale = VerifiedEvidence.builder("sev-snp").pass("snp.report-signature", "signed").claim("product", "Genoa")
        .claim("migrationAgentAllowed", false).claim("vmpl", 0).debug(false).referenceValue("measurement", "aa".repeat(48))
        .collateralCurrent(false).revocationChecked(false).build();
    List<Check> checks = judge("policyVersion: 1\nallowedFormats: [sev-snp]\nsevSnp: {measurements: [" + "aa".repeat(48) + "]}\n", stale, NOW);
    assertThat(status(checks, "policy.collateral-current")).isEqualTo(Check.Status.FAIL);
  }

  // ---- item 6 (M4, M5): SNP, SGX and EAR rules; check names that say what happened ----

  @Test
  void snpLaunchPolicyRules() throws Exception {
    VerifiedEvidence milan = verify(new Evidence("sev-snp", Vectors.bytes("sev-snp/gsg-milan-vcek/report.bin"),
        Vectors.certs("sev-snp/gsg-milan-vcek/vcek.der", "sev-snp/roots/ask_ark_milan.pem"), List.of()), NOW);
    String base = "policyVersion: 1\nallowedFormats: [sev-snp]\nsevSnp:\n  measurements: [" + milan.referenceValues().get("measurement") + "]\n";
    assertThat(status(judge(base + "  allowSmt: false\n", milan, NOW), "policy.snp-smt-off")).isEqualTo(Check.Status.FAIL);
    assertThat(status(judge(base + "  requireSingleSocket: true\n", milan, NOW), "policy.snp-single-socket")).isEqualTo(Check.Status.FAIL);
    assertThat(status(judge(base + "  minimumLaunchTcb: {snp: 99}\n", milan, NOW), "policy.snp-minimum-launch-tcb")).isEqualTo(Check.Status.FAIL);
    assertThat(status(judge(base + "  minimumGuestSvn: 1\n", milan, NOW), "policy.snp-guest-svn")).isEqualTo(Check.Status.FAIL);
    // The guest is debuggable; a policy allowing that must not print "forbids debugging".
    List<Check> debug = judge(base + "  allowDebug: true\n", milan, NOW);
    assertThat(debug).extracting(Check::id).contains("policy.debug-allowed").doesNotContain("policy.debug-off");
  }

  @Test
  void vlekEvidenceNeedsAnAllowedCloudProvider() throws Exception {
    Instant at = Instant.parse("2025-06-01T00:00:00Z");
    VerifiedEvidence v = verify(new Evidence("sev-snp", Vectors.bytes("sev-snp/trustee-milan-vlek/report.bin"),
        Vectors.certs("sev-snp/trustee-milan-vlek/vlek.der", "sev-snp/roots/asvk_ark_milan_vlek.pem"), List.of()), at);
    assertThat(v.verified()).isTrue();
    String base = "policyVersion: 1\nallowedFormats: [sev-snp]\nsevSnp:\n  measurements: [" + v.referenceValues().get("measurement") + "]\n";
    assertThat(status(judge(base, v, at), "policy.snp-vlek-csp")).isEqualTo(Check.Status.FAIL);
    assertThat(status(judge(base + "  vlekCspIds: [\"" + v.claims().get("cspId") + "\"]\n", v, at), "policy.snp-vlek-csp")).isEqualTo(Check.Status.PASS);
  }

  @Test
  void sgxSignerPinNeedsTheProductId() throws Exception {
    VerifiedEvidence sgx = VerifiedEvidence.builder("sgx").pass("dcap.quote-signature", "signed").debug(false)
        .referenceValue("mrSigner", "83".repeat(32)).tcb("isvProdId", 0).tcb("isvSvn", 1).build();
    List<Check> checks = judge("policyVersion: 1\nallowedFormats: [sgx]\nsgx: {mrSigner: [" + "83".repeat(32) + "]}\n", sgx, NOW);
    assertThat(status(checks, "policy.sgx-isv-prod-id")).isEqualTo(Check.Status.FAIL);
  }

  @Test
  void earNeedsNamedSubmodsAndThePinnedVerifier() throws Exception {
    VerifiedEvidence ear = VerifiedEvidence.builder("ear").pass("ear.signature", "signed")
        .claim("eat_profile", "tag:github.com,2023:veraison/ear").claim("submodStatus", java.util.Map.of("test", "affirming"))
        .claim("verifierId", java.util.Map.of("developer", "https://veraison-project.org", "build", "x"))
        .claim("appraisalPolicyIds", java.util.Map.of("test", "policy:x")).build();
    String base = "policyVersion: 1\nallowedFormats: [ear]\near:\n  profiles: [\"tag:github.com,2023:veraison/ear\"]\n";
    assertThat(status(judge(base, ear, NOW), "policy.ear-affirming")).isEqualTo(Check.Status.FAIL);
    String named = base + "  requiredSubmods: [test]\n";
    assertThat(status(judge(named, ear, NOW), "policy.ear-affirming")).isEqualTo(Check.Status.PASS);
    assertThat(status(judge(named + "  verifierIds: [{developer: \"https://other.example\"}]\n", ear, NOW), "policy.ear-verifier-id"))
        .isEqualTo(Check.Status.FAIL);
    assertThat(status(judge(named + "  verifierIds: [{developer: \"https://veraison-project.org\"}]\n  appraisalPolicyIds: [\"policy:y\"]\n", ear, NOW),
        "policy.ear-appraisal-policy")).isEqualTo(Check.Status.FAIL);
  }

  @Test
  void classicalOnlyKemSuiteIsRefusedByDefault() throws Exception {
    DevEvidenceFixture f = new DevEvidenceFixture();
    AttestedKeys x25519 = new AttestedKeys("x25519-sha256-aes256gcm", f.keys.kemPublicKey(), "Ed25519", f.keys.signingPublicKey());
    Policy devDefaultSuites = Policy.parse("policyVersion: 1\nallowedFormats: [dev]\nallowInsecureDevEnclave: true\ndev: {acceptAnyMeasurement: true}\n");
    Evidence e = f.evidence(KeyBinding.reportData(x25519, f.nonce), Instant.now());
    AttestationOutcome o = new EnclaveAttestation().attest(List.of(e), x25519, f.nonce, devDefaultSuites, java.time.Clock.systemUTC());
    assertThat(o.accepted()).isFalse();
    assertThat(o.failedCheck()).get().extracting(Check::id).isEqualTo("policy.kem-suite");
  }
}
