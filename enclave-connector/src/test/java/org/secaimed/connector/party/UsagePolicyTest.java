package org.secaimed.connector.party;

import static org.assertj.core.api.Assertions.assertThat;
import static org.secaimed.connector.party.SignedRequestsTest.assertRule;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.secaimed.connector.gateway.Bindings;
import org.secaimed.connector.party.RequestRefusedException.Rule;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.seal.SealedArchive;
import org.secaimed.connector.seal.SealedArchiveException;

class UsagePolicyTest {
  static final String DIGEST = "sha256:" + "1".repeat(64);
  static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  final PartyKey a = PartyKey.generate();
  final PartyKey b = PartyKey.generate();

  UsagePolicy.Builder siteOnly(PartyKey owner) {
    return UsagePolicy.builder(owner.id()).purposes("clinical-segmentation").taskKinds("segmentation")
        .algorithm("ct-body", DIGEST).submitters(owner.id()).recipients("segmentation", owner.id())
        .notAfter(NOW.plusSeconds(3600)).maxUses(2);
  }

  @Test
  void thePolicyHasOneCanonicalEncodingAndDigest() throws Exception {
    UsagePolicy p = siteOnly(a).build();
    assertThat(UsagePolicy.parse(p.encoded())).isEqualTo(p);
    assertThat(UsagePolicy.parse(p.encoded()).digest()).isEqualTo(p.digest());
    String json = new String(p.encoded(), StandardCharsets.UTF_8);
    assertRule(() -> UsagePolicy.parse((json.replace(",", ", ")).getBytes(StandardCharsets.UTF_8)), Rule.POLICY_INVALID);
    assertRule(() -> UsagePolicy.parse(json.replace("\"maxUses\":2", "\"maxUses\":2,\"maxUses\":9").getBytes(StandardCharsets.UTF_8)),
        Rule.POLICY_INVALID);
    assertRule(() -> UsagePolicy.parse(json.replace("}", ",\"extra\":1}").getBytes(StandardCharsets.UTF_8)), Rule.POLICY_INVALID);
    assertRule(() -> UsagePolicy.parse(json.replace("\"taskKinds\":[\"segmentation\"]", "\"taskKinds\":[\"segmentation\",\"segmentation\"]")
        .getBytes(StandardCharsets.UTF_8)), Rule.POLICY_INVALID);
    assertRule(() -> UsagePolicy.parse(json.replace("\"maxUses\":2", "\"maxUses\":0").getBytes(StandardCharsets.UTF_8)), Rule.POLICY_INVALID);
  }

  @Test
  void onlyTheOwnerSignsAndASwappedOrForgedPolicyFails() throws Exception {
    UsagePolicy p = siteOnly(a).build();
    SignedPolicy signed = SignedPolicy.sign(p, a);
    assertThat(signed.verify()).isEqualTo(p);
    UsagePolicy open = siteOnly(a).submitters(b.id()).build();
    SignedPolicy forged = new SignedPolicy(java.util.Base64.getEncoder().encodeToString(open.encoded()), signed.ownerKey(), signed.signature());
    assertRule(forged::verify, Rule.POLICY_INVALID);
    SignedPolicy byB = new SignedPolicy(signed.policy(), b.publicKey().encoded(),
        java.util.Base64.getEncoder().encodeToString(b.sign(org.secaimed.connector.receipt.DsseEnvelope.pae(SignedPolicy.PAYLOAD_TYPE, p.encoded()))));
    assertRule(byB::verify, Rule.POLICY_INVALID);
  }

  @Test
  void anArchiveSealedUnderOnePolicyDoesNotOpenUnderAnother() throws Exception {
    KemKeyPair enclave = KemKeyPair.generate(HpkeSuite.X25519);
    UsagePolicy p = siteOnly(a).build();
    UsagePolicy swapped = siteOnly(a).submitters(b.id()).recipients("segmentation", b.id()).build();
    byte[] sealed = SealedArchive.seal("study".getBytes(StandardCharsets.UTF_8), enclave.publicKey(),
        Bindings.input(enclave.publicKey().keyId(), p.digest()));
    byte[] swappedBinding = Bindings.input(enclave.publicKey().keyId(), swapped.digest());
    assertThat(SealedArchive.headerNamesBinding(new java.io.ByteArrayInputStream(sealed), swappedBinding)).isFalse();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SealedArchive.open(sealed, enclave, swappedBinding))
        .isInstanceOfSatisfying(SealedArchiveException.class, e -> assertThat(e.reason()).isEqualTo(SealedArchiveException.Reason.WRONG_BINDING));
    assertThat(SealedArchive.open(sealed, enclave, Bindings.input(enclave.publicKey().keyId(), p.digest()))).asString(StandardCharsets.UTF_8).isEqualTo("study");
  }

  @Test
  void everyRuleRefusesByName() throws Exception {
    UsagePolicy p = siteOnly(a).build();
    UsageDecision.Task own = new UsageDecision.Task(a.id(), "clinical-segmentation", "segmentation", "ct-body", DIGEST, NOW);
    var in = new UsageDecision.Input("sha256:" + "2".repeat(64), p, p.digest(), 0, false);
    assertThat(UsageDecision.decide(own, List.of(in))).singleElement().satisfies(x -> assertThat(x.useNumber()).isEqualTo(1));

    assertRule(() -> UsageDecision.decide(new UsageDecision.Task(b.id(), "clinical-segmentation", "segmentation", "ct-body", DIGEST, NOW),
        List.of(in)), Rule.SUBMITTER_NOT_ALLOWED);
    assertRule(() -> UsageDecision.decide(new UsageDecision.Task(a.id(), "marketing", "segmentation", "ct-body", DIGEST, NOW),
        List.of(in)), Rule.PURPOSE_NOT_ALLOWED);
    assertRule(() -> UsageDecision.decide(new UsageDecision.Task(a.id(), "clinical-segmentation", "training", "ct-body", DIGEST, NOW),
        List.of(in)), Rule.TASK_KIND_NOT_ALLOWED);
    assertRule(() -> UsageDecision.decide(new UsageDecision.Task(a.id(), "clinical-segmentation", "segmentation", "ct-body",
        "sha256:" + "3".repeat(64), NOW), List.of(in)), Rule.ALGORITHM_NOT_ALLOWED);
    assertRule(() -> UsageDecision.decide(new UsageDecision.Task(a.id(), "clinical-segmentation", "segmentation", "ct-body", DIGEST,
        NOW.plusSeconds(3600)), List.of(in)), Rule.POLICY_EXPIRED);
    assertRule(() -> UsageDecision.decide(own, List.of(new UsageDecision.Input(in.blobId(), p, p.digest(), 2, false))), Rule.MAX_USES_EXCEEDED);
    assertRule(() -> UsageDecision.decide(own, List.of(new UsageDecision.Input(in.blobId(), p, p.digest(), 0, true))), Rule.CONSENT_REVOKED);

    UsagePolicy withoutSeg = UsagePolicy.builder(a.id()).purposes("clinical-segmentation").taskKinds("segmentation")
        .algorithm("ct-body", DIGEST).submitters(a.id()).recipients("metrics", a.id()).notAfter(NOW.plusSeconds(3600)).build();
    assertRule(() -> UsageDecision.decide(own, List.of(new UsageDecision.Input(in.blobId(), withoutSeg, withoutSeg.digest(), 0, false))),
        Rule.RECIPIENT_NOT_ALLOWED);

    UsagePolicy bPolicy = siteOnly(b).submitters(a.id()).recipients("segmentation", a.id()).coContributors(a.id()).build();
    var bIn = new UsageDecision.Input("sha256:" + "4".repeat(64), bPolicy, bPolicy.digest(), 0, false);
    assertRule(() -> UsageDecision.decide(own, List.of(in, bIn)), Rule.CO_CONTRIBUTOR_NOT_ALLOWED); // a's policy names no co-contributor
  }
}
