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
}
