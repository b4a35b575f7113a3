package org.secaimed.connector.attest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.secaimed.connector.attest.validate.Policy;

class EnclaveAttestationDevTest {
  static final Instant NOW = Instant.parse("2026-11-22T03:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  final EnclaveAttestation attestation = new EnclaveAttestation();

  @Test
  void devPolicyAcceptsFreshBoundDevEvidenceAndSaysInsecure() throws Exception {
    DevEvidenceFixture f = new DevEvidenceFixture();
    Policy dev = Policy.resource("policies/dev.yaml");
    AttestationOutcome o = attestation.attest(List.of(f.evidence(NOW.minusSeconds(5))), f.keys, f.nonce, dev, CLOCK);
    assertThat(o.accepted()).as(o.explain()).isTrue();
    assertThat(o.insecure()).isTrue();
    assertThat(o.explain()).contains("INSECURE");
    assertThat(o.checks()).extracting(Check::id).contains("dev.signature", "policy.insecure-enclave", "binding.keys-and-nonce");
    assertThat(o.policyDigest()).isEqualTo(dev.digest()).hasSize(64);
    assertThat(o.evidenceDigest()).hasSize(64);
  }

  @Test
  void productionPolicyRejectsDevEvidence() throws Exception {
    DevEvidenceFixture f = new DevEvidenceFixture();
    AttestationOutcome o = attestation.attest(List.of(f.evidence(NOW)), f.keys, f.nonce,
        Policy.resource("policies/production-example.yaml"), CLOCK);
    assertThat(o.accepted()).isFalse();
    assertThat(o.failedCheck()).get().extracting(Check::id).isEqualTo("policy.format-allowed");
    assertThat(o.checks()).filteredOn(c -> c.id().equals("policy.insecure-enclave")).singleElement()
        .extracting(Check::status).isEqualTo(Check.Status.FAIL);
  }

  @Test
  void otherNonceOrOtherKeysFailTheBinding() throws Exception {
    DevEvidenceFixture f = new DevEvidenceFixture();
    Evidence e = f.evidence(NOW);
    byte[] otherNonce = f.nonce.clone();
    otherNonce[0] ^= 1;
    AttestationOutcome replay = attestation.attest(List.of(e), f.keys, otherNonce, Policy.resource("policies/dev.yaml"), CLOCK);
    assertThat(replay.failedCheck()).get().extracting(Check::id).isEqualTo("binding.keys-and-nonce");

    DevEvidenceFixture other = new DevEvidenceFixture();
    AttestationOutcome swapped = attestation.attest(List.of(e), other.keys, f.nonce, Policy.resource("policies/dev.yaml"), CLOCK);
    assertThat(swapped.accepted()).isFalse();
    assertThat(swapped.failedCheck()).get().extracting(Check::id).isEqualTo("binding.keys-and-nonce");
  }

  @Test
  void tamperedDataFailsTheSignatureAndIsNotJudged() throws Exception {
    DevEvidenceFixture f = new DevEvidenceFixture();
    Evidence e = f.evidence(NOW);
    byte[] data = e.data();
    int i = new String(data).indexOf("ab");
    data[i] = 'c';
    Evidence tampered = new Evidence("dev", data, e.certificates(), e.collateral());
    AttestationOutcome o = attestation.attest(List.of(tampered), f.keys, f.nonce, Policy.resource("policies/dev.yaml"), CLOCK);
    assertThat(o.failedCheck()).get().extracting(Check::id).isEqualTo("dev.signature");
    assertThat(o.checks()).filteredOn(c -> c.id().equals("policy.claims")).singleElement()
        .extracting(Check::status).isEqualTo(Check.Status.SKIPPED);
  }

  @Test
  void staleEvidenceFailsTheAgeRule() throws Exception {
    DevEvidenceFixture f = new DevEvidenceFixture();
    AttestationOutcome o = attestation.attest(List.of(f.evidence(NOW.minus(Duration.ofMinutes(11)))), f.keys, f.nonce,
        Policy.resource("policies/dev.yaml"), CLOCK);
    assertThat(o.failedCheck()).get().extracting(Check::id).isEqualTo("policy.evidence-age");
  }

  @Test
  void noEvidenceOrUnknownFormatFailsClosed() throws Exception {
    DevEvidenceFixture f = new DevEvidenceFixture();
    Policy dev = Policy.resource("policies/dev.yaml");
    assertThat(attestation.attest(List.of(), f.keys, f.nonce, dev, CLOCK).failedCheck()).get()
        .extracting(Check::id).isEqualTo("evidence.present");
    Evidence e = f.evidence(NOW);
    AttestationOutcome o = attestation.attest(List.of(new Evidence("sev-snp-v9", e.data(), List.of(), List.of())), f.keys, f.nonce, dev, CLOCK);
    assertThat(o.failedCheck()).get().extracting(Check::id).isEqualTo("evidence.format-known");
  }

  @Test
  void compositeOfTwoDevPartsMustBindTheSameKeys() throws Exception {
    DevEvidenceFixture f = new DevEvidenceFixture();
    Policy p = Policy.parse("policyVersion: 1\nallowedFormats: [dev, composite]\nallowInsecureDevEnclave: true\ndev: {acceptAnyMeasurement: true}\n");
    Evidence good = new Evidence("composite", EvidenceJson.listToJson(List.of(f.evidence(NOW), f.evidence(NOW))), List.of(), List.of());
    assertThat(attestation.attest(List.of(good), f.keys, f.nonce, p, CLOCK).accepted()).isTrue();
    Evidence mixed = new Evidence("composite",
        EvidenceJson.listToJson(List.of(f.evidence(NOW), f.evidence(new byte[64], NOW))), List.of(), List.of());
    AttestationOutcome o = attestation.attest(List.of(mixed), f.keys, f.nonce, p, CLOCK);
    assertThat(o.failedCheck()).get().extracting(Check::id).isEqualTo("composite.same-binding");
  }
}
