package org.secaimed.connector.attest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.attest.verify.Vectors;

/** The entry point on real hardware evidence: genuine and acceptable, but bound to other keys, so refused. */
class EnclaveAttestationHardwareTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T00:00:00Z"), ZoneOffset.UTC);

  @Test
  void genuineAcceptableEvidenceForOtherKeysIsRefusedByTheBinding() throws Exception {
    Evidence azure = new Evidence("sev-snp", Vectors.bytes("sev-snp/azure-genoa/report.bin"),
        Vectors.certs("sev-snp/azure-genoa/vcek.pem", "sev-snp/roots/ask_ark_genoa.pem"), List.of());
    Policy pinning = Policy.parse("policyVersion: 1\nallowedFormats: [sev-snp]\nrequireRevocation: false\nsevSnp:\n  measurements: "
        + "[f57dc09a507c6ecd82369bffb600f0003792f4d99bc26e985ec0c266fc34faf3706faf814c9e61065768a6ff917c89ae]\n");
    DevEvidenceFixture keys = new DevEvidenceFixture();
    AttestationOutcome o = new EnclaveAttestation().attest(List.of(azure), keys.keys, keys.nonce, pinning, CLOCK);
    assertThat(o.accepted()).isFalse();
    assertThat(o.failedCheck()).get().extracting(Check::id).isEqualTo("binding.keys-and-nonce");
    assertThat(o.checks().stream().filter(Check::failed)).hasSize(1);
    assertThat(o.checks()).extracting(Check::id).contains("snp.report-signature", "policy.measurement", "policy.debug-off");
    assertThat(o.evidenceDigest()).isEqualTo(EnclaveAttestation.evidenceDigest(List.of(azure)));
    assertThat(o.insecure()).isFalse();
  }

  @Test
  void productionPolicyNamesEveryReasonToRejectTheDebugMilanReport() throws Exception {
    Evidence milan = new Evidence("sev-snp", Vectors.bytes("sev-snp/gsg-milan-vcek/report.bin"),
        Vectors.certs("sev-snp/gsg-milan-vcek/vcek.der", "sev-snp/roots/ask_ark_milan.pem"), List.of());
    DevEvidenceFixture keys = new DevEvidenceFixture();
    AttestationOutcome o = new EnclaveAttestation().attest(List.of(milan), keys.keys, keys.nonce,
        Policy.resource("policies/production-example.yaml"), CLOCK);
    assertThat(o.accepted()).isFalse();
    assertThat(o.checks().stream().filter(Check::failed).map(Check::id))
        .containsExactly("policy.debug-off", "policy.measurement", "policy.minimum-tcb", "policy.snp-smt-off",
            "policy.revocation-checked", "policy.collateral-age", "binding.keys-and-nonce");
    assertThat(o.explain()).startsWith("REJECTED: FAIL policy.debug-off");
  }

  @Test
  void evidenceDigestCoversEveryField() {
    Evidence a = new Evidence("dev", new byte[] {1}, List.of(new byte[] {2}), List.of(new byte[] {3}));
    Evidence moved = new Evidence("dev", new byte[] {1}, List.of(), List.of(new byte[] {2}, new byte[] {3}));
    Evidence other = new Evidence("sgx", new byte[] {1}, List.of(new byte[] {2}), List.of(new byte[] {3}));
    assertThat(EnclaveAttestation.evidenceDigest(List.of(a))).isNotEqualTo(EnclaveAttestation.evidenceDigest(List.of(moved)))
        .isNotEqualTo(EnclaveAttestation.evidenceDigest(List.of(other)));
  }
}
