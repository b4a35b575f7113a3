package org.secaimed.connector.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.secaimed.connector.attest.validate.Policy;

class PolicyTest {
  @Test
  void defaultsFailClosed() throws Exception {
    Policy p = Policy.parse("policyVersion: 1\n");
    assertThat(p.document().allowInsecureDevEnclave()).isFalse();
    assertThat(p.document().allowedFormats()).isEmpty();
    assertThat(p.document().sevSnp().allowDebug()).isFalse();
    assertThat(p.document().tdx().acceptedTcbStatuses()).containsExactly("UpToDate");
  }

  @Test
  void digestIsOverTheExactText() throws Exception {
    assertThat(Policy.parse("policyVersion: 1\n").digest()).isNotEqualTo(Policy.parse("policyVersion: 1\n\n").digest());
  }

  @Test
  void badFieldsAreNamed() {
    assertThatThrownBy(() -> Policy.parse("policyVersion: 1\nallowDebug: true\n")).isInstanceOf(PolicyException.class)
        .hasMessageContaining("allowDebug");
    assertThatThrownBy(() -> Policy.parse("policyVersion: 2\n")).isInstanceOf(PolicyException.class).hasMessageContaining("policyVersion");
    assertThatThrownBy(() -> Policy.parse("policyVersion: 1\nsevSnp: {measurements: [abcd]}\n")).isInstanceOf(PolicyException.class)
        .hasMessageContaining("sevSnp.measurements[0]");
    assertThatThrownBy(() -> Policy.parse("policyVersion: 1\nallowedFormats: [dev]\n")).isInstanceOf(PolicyException.class)
        .hasMessageContaining("allowInsecureDevEnclave");
    assertThatThrownBy(() -> Policy.parse("policyVersion: 1\ntdx: {acceptedTcbStatuses: [Fine]}\n")).isInstanceOf(PolicyException.class)
        .hasMessageContaining("Fine");
    assertThatThrownBy(() -> Policy.parse("policyVersion: [1\n")).isInstanceOf(PolicyException.class);
  }

  @Test
  void pinnedKeysMustBePublic() {
    String priv = "policyVersion: 1\near: {verifierKeys: [{kty: EC, crv: P-256, x: usWxHK2PmfnHKwXPS54m0kTcGJ90UiglWiGahtagnv8,"
        + " y: IBOL-C3BttVivg-lSreASjpkttcsz-1rb7btKLv8EX4, d: usWxHK2PmfnHKwXPS54m0kTcGJ90UiglWiGahtagnv8}]}\n";
    assertThatThrownBy(() -> Policy.parse(priv)).isInstanceOf(PolicyException.class).hasMessageContaining("private");
  }

  // ---- issue #10 item 6 (M4): the policy file says exactly one thing ----

  @Test
  void duplicateKeysAreRefused() {
    String dup = "policyVersion: 1\nallowedFormats: [sev-snp]\nsevSnp:\n  allowDebug: false\n  measurements: [" + "00".repeat(48)
        + "]\n  allowDebug: true\n";
    assertThatThrownBy(() -> Policy.parse(dup)).isInstanceOf(PolicyException.class).hasMessageContaining("allowDebug");
  }

  @Test
  void anchorsAliasesAndMergeKeysAreRefused() {
    assertThatThrownBy(() -> Policy.parse("policyVersion: 1\nallowedFormats: &f [sev-snp]\n"))
        .isInstanceOf(PolicyException.class).hasMessageContaining("anchor");
    assertThatThrownBy(() -> Policy.parse("policyVersion: 1\nsevSnp: &s {allowDebug: false}\ntdx: *s\n"))
        .isInstanceOf(PolicyException.class).hasMessageContaining("line 2");
    assertThatThrownBy(() -> Policy.parse("policyVersion: 1\nsevSnp:\n  <<: {allowDebug: true}\n"))
        .isInstanceOf(PolicyException.class).hasMessageContaining("merge key");
  }

  @Test
  void kemSuitesDefaultToXWingAndUnknownOnesAreNamed() throws Exception {
    assertThat(Policy.parse("policyVersion: 1\n").document().allowedKemSuites()).containsExactly("xwing-sha256-aes256gcm");
    assertThatThrownBy(() -> Policy.parse("policyVersion: 1\nallowedKemSuites: [rsa]\n")).isInstanceOf(PolicyException.class)
        .hasMessageContaining("allowedKemSuites").hasMessageContaining("rsa");
  }

  // ---- issue #10 items 2, 3, 6: a production profile refuses to load while rules are left open ----

  @Test
  void productionExampleLoadsAndDoesNotAllowAzureHcl() throws Exception {
    Policy p = Policy.resource("policies/production-example.yaml");
    assertThat(p.document().production()).isTrue();
    assertThat(p.document().allowedFormats()).doesNotContain("azure-snp-hcl", "dev");
  }

  @Test
  void productionProfileNamesEveryOpenRule() {
    String open = "policyVersion: 1\nprofile: production\nallowedFormats: [sev-snp, azure-snp-hcl, tdx, sgx, ear]\nrequireRevocation: false\n";
    assertThatThrownBy(() -> Policy.parse(open)).isInstanceOf(PolicyException.class)
        .hasMessageContaining("azure-snp-hcl").hasMessageContaining("requireRevocation").hasMessageContaining("maxCollateralAge")
        .hasMessageContaining("sevSnp.measurements").hasMessageContaining("sevSnp.minimumTcb").hasMessageContaining("sevSnp.allowSmt")
        .hasMessageContaining("tdx.mrtd").hasMessageContaining("tdx.xfam").hasMessageContaining("minimumTcbEvaluationDataNumber")
        .hasMessageContaining("sgx.mrEnclave, or sgx.mrSigner with sgx.isvProdId").hasMessageContaining("ear.requiredSubmods")
        .hasMessageContaining("ear.verifierIds").hasMessageContaining("ear.appraisalPolicyIds");
    assertThatThrownBy(() -> Policy.parse("policyVersion: 1\nprofile: prod\n")).isInstanceOf(PolicyException.class).hasMessageContaining("profile");
  }
}
