package org.secaimed.kaapana.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Acceptance 1 of issue #3: every vector under ../shared/testdata/attestation gives the outcome
 * its README states, at the stated instants, through {@code secaimed attest verify-evidence}
 * (run in-process through Picocli). DEBUG vectors are rejected by a production policy.
 */
class AttestCommandTest {
  static final Path V = Path.of(System.getProperty("secaimed.repo.root")).resolve("../shared/testdata/attestation").normalize();
  static final String NOW = "2026-11-22T00:00:00Z";
  static final String PRODUCTION = Path.of(System.getProperty("secaimed.repo.root"))
      .resolve("enclave-connector/src/main/resources/policies/production-example.yaml").toString();

  @TempDir Path tmp;

  record Result(int exit, JsonNode json, String err) {
    String check(String id) {
      JsonNode n = json.path("checks").path(id);
      return n.isMissingNode() ? json.path("policyChecks").path(id).asText("absent") : n.asText();
    }
  }

  static String v(String rel) {
    return V.resolve(rel).toString();
  }

  static Result run(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("attest", "verify-evidence", "--json"));
    all.addAll(List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SecaimedCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(all.toArray(String[]::new));
    String text = out.toString().strip();
    JsonNode json = text.isEmpty() ? JsonOutput.mapper().createObjectNode() : JsonOutput.mapper().readTree(text);
    if (!text.isEmpty()) assertThat(text.lines().count()).as("--json prints exactly one object").isEqualTo(1);
    return new Result(exit, json, err.toString());
  }

  Path file(String name, String content) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  // ---- AMD SEV-SNP ----

  @Test
  void milanVcekReportIsGenuineButItsDebugPolicyIsRejectedInProduction() throws Exception {
    String[] base = {"--format", "sev-snp", "--evidence", v("sev-snp/gsg-milan-vcek/report.bin"), "--cert", v("sev-snp/gsg-milan-vcek/vcek.der"),
        "--cert", v("sev-snp/roots/ask_ark_milan.pem"), "--at", NOW};
    Result verified = run(base);
    assertThat(verified.exit()).isZero();
    assertThat(verified.json().path("verified").asBoolean()).isTrue();
    assertThat(verified.json().path("claims").path("debugAllowed").asBoolean()).isTrue();
    assertThat(verified.json().path("claims").path("measurement").asText()).startsWith("b07af962");
    assertThat(verified.check("snp.report-signature")).isEqualTo("pass");

    Result production = run(concat(base, "--policy", PRODUCTION));
    assertThat(production.exit()).isEqualTo(1);
    assertThat(production.json().path("accepted").asBoolean()).isFalse();
    assertThat(production.check("policy.debug-off")).isEqualTo("fail");

    // Even a policy that pins exactly this measurement and TCB rejects it, for DEBUG alone.
    Path pinned = file("pinned.yaml", "policyVersion: 1\nallowedFormats: [sev-snp]\nsevSnp:\n  measurements: ["
        + verified.json().path("claims").path("measurement").asText() + "]\n  minimumTcb: {bootLoader: 2, snp: 5, microcode: 68}\n");
    Result debugOnly = run(concat(base, "--policy", pinned.toString()));
    assertThat(debugOnly.exit()).isEqualTo(1);
    assertThat(debugOnly.json().path("policyFailedCheck").asText()).isEqualTo("policy.debug-off");
    assertThat(debugOnly.check("policy.measurement")).isEqualTo("pass");
    assertThat(debugOnly.check("policy.minimum-tcb")).isEqualTo("pass");
  }

  @Test
  void milanVlekReportVerifiesOnlyInsideTheVlekValidity() throws Exception {
    String[] base = {"--format", "sev-snp", "--evidence", v("sev-snp/trustee-milan-vlek/report.bin"), "--cert", v("sev-snp/trustee-milan-vlek/vlek.der"),
        "--cert", v("sev-snp/roots/asvk_ark_milan_vlek.pem")};
    Result inside = run(concat(base, "--at", "2025-06-01T00:00:00Z"));
    assertThat(inside.exit()).isZero();
    assertThat(inside.json().path("claims").path("signingKey").asText()).isEqualTo("VLEK");
    assertThat(inside.check("snp.vlek-csp-id")).isEqualTo("pass");
    Result after = run(concat(base, "--at", NOW));
    assertThat(after.exit()).isEqualTo(1);
    assertThat(after.json().path("failedCheck").asText()).isEqualTo("snp.vcek-valid");
  }

  @Test
  void vcekNotSignedByAmdFailsTheChain() throws Exception {
    Result r = run("--format", "sev-snp", "--evidence", v("sev-snp/gsg-milan-vcek/report.bin"), "--cert", v("sev-snp/negative/vcek-not-signed-by-amd.der"),
        "--cert", v("sev-snp/roots/ask_ark_milan.pem"), "--at", NOW);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.json().path("failedCheck").asText()).isEqualTo("snp.vcek-signed-by-ask");
  }

  @Test
  void crossChecksFail() throws Exception {
    Result otherVcek = run("--format", "sev-snp", "--evidence", v("sev-snp/gsg-milan-vcek/report.bin"), "--cert", v("sev-snp/azure-genoa/vcek.pem"),
        "--cert", v("sev-snp/roots/ask_ark_milan.pem"), "--cert", v("sev-snp/roots/ask_ark_genoa.pem"), "--at", NOW);
    assertThat(otherVcek.exit()).isEqualTo(1);
    assertThat(otherVcek.json().path("verified").asBoolean()).isFalse();
    Result genoaRoots = run("--format", "sev-snp", "--evidence", v("sev-snp/gsg-milan-vcek/report.bin"), "--cert", v("sev-snp/gsg-milan-vcek/vcek.der"),
        "--cert", v("sev-snp/roots/ask_ark_genoa.pem"), "--at", NOW);
    assertThat(genoaRoots.exit()).isEqualTo(1);
    assertThat(genoaRoots.json().path("verified").asBoolean()).isFalse();
  }

  @Test
  void azureGenoaReportAndHclWrapperVerifyButHclIsRefusedUnlessThePolicyOptsIntoParavisorOnly() throws Exception {
    Result plain = run("--format", "sev-snp", "--evidence", v("sev-snp/azure-genoa/report.bin"), "--cert", v("sev-snp/azure-genoa/vcek.pem"),
        "--cert", v("sev-snp/roots/ask_ark_genoa.pem"), "--at", NOW);
    assertThat(plain.exit()).isZero();
    assertThat(plain.json().path("claims").path("product").asText()).isEqualTo("Genoa");
    String measurement = plain.json().path("claims").path("measurement").asText();
    String rules = "policyVersion: 1\nallowedFormats: [sev-snp, azure-snp-hcl]\nrequireRevocation: false\nsevSnp:\n  products: [Genoa]\n"
        + "  measurements: [" + measurement + "]\n  minimumTcb: {bootLoader: 10, tee: 0, snp: 23, microcode: 84}\n";
    Result refused = run("--format", "azure-snp-hcl", "--evidence", v("sev-snp/azure-genoa/hcl-report.bin"), "--cert", v("sev-snp/azure-genoa/vcek.pem"),
        "--cert", v("sev-snp/roots/ask_ark_genoa.pem"), "--at", NOW, "--policy", file("strict.yaml", rules).toString());
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.json().path("policyFailedCheck").asText()).isEqualTo("policy.azure-guest-attested");
    Path policy = file("azure.yaml", rules + "azureSnpHcl: {allowParavisorOnlyEvidence: true}\n");
    Result hcl = run("--format", "azure-snp-hcl", "--evidence", v("sev-snp/azure-genoa/hcl-report.bin"), "--cert", v("sev-snp/azure-genoa/vcek.pem"),
        "--cert", v("sev-snp/roots/ask_ark_genoa.pem"), "--at", NOW, "--policy", policy.toString());
    assertThat(hcl.exit()).as(hcl.json().toString()).isZero();
    assertThat(hcl.json().path("accepted").asBoolean()).isTrue();
    assertThat(hcl.check("azure.runtime-data-bound")).isEqualTo("pass");
    // The same evidence with a key binding it does not carry is rejected.
    Result bound = run("--format", "azure-snp-hcl", "--evidence", v("sev-snp/azure-genoa/hcl-report.bin"), "--cert", v("sev-snp/azure-genoa/vcek.pem"),
        "--cert", v("sev-snp/roots/ask_ark_genoa.pem"), "--at", NOW, "--policy", policy.toString(), "--report-data", "11".repeat(64));
    assertThat(bound.exit()).isEqualTo(1);
    assertThat(bound.json().path("policyFailedCheck").asText()).isEqualTo("binding.report-data");
  }

  // ---- Intel TDX / SGX ----

  @Test
  void tdxV4QuoteVerifiesWithNoMatchingTcbLevel() throws Exception {
    String[] args = {"--format", "tdx", "--evidence", v("tdx/quote_v4_spr_e4.dat"), "--cert", v("tdx/tcb_signing_chain.pem"),
        "--collateral", v("tdx/tcbinfo_tdx_50806f000000.json"), "--collateral", v("tdx/qe_identity_td_qe_2023.json"),
        "--collateral", v("tdx/pckcrl_platform.der"), "--collateral", v("tdx/intel_sgx_root_ca_crl.der"), "--at", "2023-06-20T00:00:00Z"};
    Result r = run(args);
    assertThat(r.exit()).isZero();
    assertThat(r.json().path("tcbStatus").asText()).isEqualTo("NoMatchingTcbLevel");
    for (String id : List.of("dcap.quote-signature", "dcap.qe-report-signature", "dcap.qe-binds-attestation-key", "dcap.pck-chain",
        "dcap.not-revoked", "dcap.tcb-info-signature", "dcap.qe-identity")) {
      assertThat(r.check(id)).as(id).isEqualTo("pass");
    }
    assertThat(r.json().path("claims").path("qeTcbStatus").asText()).isEqualTo("UpToDate");
    Path policy = file("tdx.yaml", "policyVersion: 1\nallowedFormats: [tdx]\ntdx:\n  mrtd: [" + r.json().path("claims").path("mrtd").asText()
        + "]\n  tdAttributes: \"0000004000000000\"\n");
    Result judged = run(concat(args, "--policy", policy.toString()));
    assertThat(judged.exit()).isEqualTo(1);
    assertThat(judged.json().path("policyFailedCheck").asText()).isEqualTo("policy.tcb-status");
    assertThat(judged.check("policy.mrtd")).isEqualTo("pass");
  }

  @Test
  void tdxV5QuoteIsUpToDate() throws Exception {
    Result r = run("--format", "tdx", "--evidence", v("tdx/quote_v5_sample.dat"), "--cert", v("tdx/tcb_signing_chain.pem"),
        "--collateral", v("tdx/tcbinfo_tdx_90c06f000000_v5.json"), "--collateral", v("tdx/qe_identity_td_qe_2023.json"),
        "--at", "2026-02-15T00:00:00Z");
    assertThat(r.exit()).isZero();
    assertThat(r.json().path("tcbStatus").asText()).isEqualTo("UpToDate");
    assertThat(r.json().path("claims").path("tdxModuleTcbStatus").asText()).isEqualTo("UpToDate");
    assertThat(r.json().path("claims").path("quoteVersion").asInt()).isEqualTo(5);
  }

  @Test
  void sgxOcclumQuoteWithoutQeIdentityIsNotVerifiedAndItsDebugClaimIsNotJudged() throws Exception {
    String[] args = {"--format", "sgx", "--evidence", v("sgx/quote_v3_occlum.dat"), "--at", NOW};
    Result r = run(args);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.json().path("failedCheck").asText()).isEqualTo("dcap.qe-identity");
    assertThat(r.check("dcap.quote-signature")).isEqualTo("pass");
    assertThat(r.check("dcap.qe-is-intel")).isEqualTo("pass");
    assertThat(r.json().path("claims").path("debug").asBoolean()).isTrue();
    Path policy = file("sgx.yaml", "policyVersion: 1\nallowedFormats: [sgx]\nsgx:\n  mrEnclave: [" + r.json().path("claims").path("mrEnclave").asText()
        + "]\n  acceptedTcbStatuses: [UpToDate]\n");
    Result judged = run(concat(args, "--policy", policy.toString()));
    assertThat(judged.exit()).isEqualTo(1);
    assertThat(judged.check("policy.claims")).isEqualTo("skipped");
  }

  // ---- EAR ----

  @Test
  void earTokens() throws Exception {
    String key = v("ear/veraison_test_pubkey.jwk.json");
    assertThat(run("--format", "ear", "--evidence", v("ear/veraison_ear_valid.jwt"), "--key", key, "--at", NOW).exit()).isZero();
    assertThat(failed("--format", "ear", "--evidence", v("ear/veraison_ear_valid.jwt"), "--at", NOW)).isEqualTo("ear.signature");
    // A key in the header is ignored; the pinned key decides.
    assertThat(run("--format", "ear", "--evidence", v("ear/veraison_ear_jwk_in_header.jwt"), "--key", key, "--at", NOW).exit()).isZero();
    assertThat(failed("--format", "ear", "--evidence", v("ear/ear_alg_hs256.jwt"), "--key", key, "--at", NOW)).isEqualTo("ear.algorithm");
    assertThat(failed("--format", "ear", "--evidence", v("ear/ear_alg_none.jwt"), "--key", key, "--at", NOW)).isEqualTo("ear.algorithm");
    assertThat(failed("--format", "ear", "--evidence", v("ear/ear_empty_claims_sig_ok.jwt"), "--key", key, "--at", NOW)).isEqualTo("ear.claims-present");
    Result trustee = run("--format", "ear", "--evidence", v("ear/trustee_cca_ear_expired.jwt"), "--key", key, "--at", "2025-07-09T11:06:00Z");
    assertThat(trustee.exit()).isEqualTo(1);
    assertThat(trustee.check("ear.signature")).isEqualTo("fail");
  }

  @Test
  void trusteeEarIsExpiredEvenUnderItsOwnKey() throws Exception {
    String token = Files.readString(V.resolve("ear/trustee_cca_ear_expired.jwt")).strip();
    Path own = file("trustee.jwk.json", JWSObject.parse(token).getHeader().getJWK().toPublicJWK().toJSONString());
    String[] base = {"--format", "ear", "--evidence", v("ear/trustee_cca_ear_expired.jwt"), "--key", own.toString()};
    Result before = run(concat(base, "--at", "2025-07-09T11:06:00Z"));
    assertThat(before.check("ear.signature")).isEqualTo("pass");
    assertThat(before.check("ear.not-expired")).isEqualTo("pass");
    Result after = run(concat(base, "--at", NOW));
    assertThat(after.exit()).isEqualTo(1);
    assertThat(after.check("ear.not-expired")).isEqualTo("fail");
  }

  // ---- usage ----

  @Test
  void usageErrorsExitTwo() throws Exception {
    assertThat(run("--format", "sgx", "--evidence", v("sgx/quote_v3_occlum.dat"), "--at", "yesterday").exit()).isEqualTo(2);
    // A missing or unacceptable input file is a run-time failure (1), not a usage error (2).
    assertThat(run("--format", "sgx", "--evidence", tmp.resolve("missing.dat").toString()).exit()).isEqualTo(1);
    Path bad = file("bad.yaml", "policyVersion: 1\nallowDebug: true\n");
    Result r = run("--format", "sgx", "--evidence", v("sgx/quote_v3_occlum.dat"), "--policy", bad.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.json().path("error").path("code").asText()).isEqualTo("INVALID_POLICY");
    assertThat(r.json().path("error").path("message").asText()).contains("allowDebug").contains(bad.toString());
    assertThat(run("--evidence", v("sgx/quote_v3_occlum.dat")).exit()).isEqualTo(2);
  }

  @Test
  void garbageEvidenceIsNotVerifiedWithATypedReason() throws Exception {
    Path junk = tmp.resolve("junk.bin");
    Files.write(junk, new byte[100]);
    for (String format : List.of("sev-snp", "azure-snp-hcl", "tdx", "sgx", "ear", "dev", "composite")) {
      Result r = run("--format", format, "--evidence", junk.toString(), "--at", NOW);
      assertThat(r.exit()).as(format).isEqualTo(1);
      assertThat(r.json().path("failedCheck").asText()).as(format).isEqualTo("evidence.parse");
    }
  }

  private static String failed(String... args) throws Exception {
    Result r = run(args);
    assertThat(r.exit()).isEqualTo(1);
    return r.json().path("failedCheck").asText();
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
