package org.secaimed.connector.attest.verify.snp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.secaimed.connector.attest.Check;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.PolicyException;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.attest.verify.VerificationContext;
import org.secaimed.connector.attest.verify.VerifiedEvidence;
import org.secaimed.connector.attest.verify.Verifiers;

/**
 * The SIMULATED AMD chain verifies only through the test seam; production code paths pin AMD's
 * ARK and offer no way (API, policy field) to trust another root.
 */
class SimulatedRootsTest {
  static final SimulatedAmdSnp AMD = SimulatedAmdSnp.shared();

  static Evidence evidence() {
    byte[] data = new byte[64];
    new SecureRandom().nextBytes(data);
    return new Evidence("sev-snp", AMD.report(data, new byte[48]), AMD.chainDer(), List.of());
  }

  static String failed(VerifiedEvidence v) {
    return v.checks().stream().filter(Check::failed).map(Check::id).findFirst().orElse(null);
  }

  @Test
  void theSimulatedChainVerifiesOnlyWithTheSimulatedRoot() {
    Evidence e = evidence();
    VerifiedEvidence simulated = AMD.verifiers().verify(e, VerificationContext.at(Instant.now()));
    assertThat(failed(simulated)).isNull();
    assertThat(simulated.checks()).extracting(Check::id).contains("snp.ark-pinned", "snp.ask-signed-by-ark", "snp.vcek-signed-by-ask",
        "snp.chip-id", "snp.reported-tcb-matches-key", "snp.report-signature");
    assertThat(failed(Verifiers.standard().verify(e, VerificationContext.at(Instant.now())))).isEqualTo("snp.ark-pinned");
  }

  @Test
  void aFlippedReportBitFailsTheSignatureEvenWithTheSimulatedRoot() {
    Evidence e = evidence();
    byte[] d = e.data();
    d[0x90] ^= 1;
    VerifiedEvidence v = AMD.verifiers().verify(new Evidence("sev-snp", d, e.certificates(), List.of()), VerificationContext.at(Instant.now()));
    assertThat(failed(v)).isEqualTo("snp.report-signature");
  }

  @Test
  void noPublicApiAcceptsARoot() {
    assertThat(Modifier.isPublic(ArkPins.class.getModifiers())).isFalse();
    for (Constructor<?> c : SnpVerifier.class.getConstructors()) assertThat(c.getParameterCount()).as("public SnpVerifier constructors").isZero();
    for (Class<?> type : List.of(Verifiers.class, SnpVerifier.class, AzureSnpHclVerifier.class, VerificationContext.class)) {
      for (Method m : type.getMethods()) {
        assertThat(Arrays.asList(m.getParameterTypes())).as(type.getSimpleName() + "." + m.getName())
            .doesNotContain(X509Certificate.class, ArkPins.class, SnpProduct.class);
      }
    }
  }

  @Test
  void aPolicyCannotNameARoot() {
    String fp = "\"" + "ab".repeat(32) + "\"";
    for (String[] c : new String[][] {{"trustedRoots", "trustedRoots: [" + fp + "]"}, {"arkSha256", "sevSnp:\n  arkSha256: " + fp},
        {"roots", "sevSnp:\n  roots: [" + fp + "]"}, {"testRoots", "testRoots: true"}}) {
      assertThatThrownBy(() -> Policy.parse("policyVersion: 1\nname: p\nallowedFormats: [sev-snp]\n" + c[1] + "\n"))
          .as(c[1]).isInstanceOf(PolicyException.class).hasMessageContaining(c[0]);
    }
  }
}
