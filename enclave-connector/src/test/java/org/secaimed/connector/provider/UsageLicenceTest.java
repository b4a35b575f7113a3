package org.secaimed.connector.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.secaimed.connector.party.PartyKey;
import org.secaimed.connector.party.RequestRefusedException;
import org.secaimed.connector.party.RequestRefusedException.Rule;

/** The provider's usage licence: canonical form, DSSE signature, output rules, the enclave's decision, the YAML terms. */
class UsageLicenceTest {
  static final PartyKey PROVIDER = PartyKey.generate(), SITE_A = PartyKey.generate(), SITE_B = PartyKey.generate();
  static final UsageLicence.Model MODEL = new UsageLicence.Model("phantom-ct-cnn", "1.0.0", "sha256:" + "ab".repeat(32));
  static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

  static UsageLicence licence(int maxRuns, int perSite) {
    return UsageLicence.builder(PROVIDER.id(), MODEL).sites(SITE_A.id()).allow("segmentation", "segmentation").allow("evaluation", "metrics")
        .maxRuns(maxRuns, perSite).notAfter(NOW.plusSeconds(3600)).build();
  }

  @Test
  void signedLicenceVerifiesAndHasOneDigest() throws Exception {
    UsageLicence l = licence(2, 2);
    SignedLicence s = SignedLicence.sign(l, PROVIDER);
    assertThat(s.verify()).isEqualTo(l);
    assertThat(UsageLicence.parse(l.encoded()).digest()).isEqualTo(l.digest());
    // the same terms spelt differently are not the same licence
    String spaced = new String(l.encoded(), StandardCharsets.UTF_8).replace(",", ", ");
    assertThatThrownBy(() -> UsageLicence.parse(spaced.getBytes(StandardCharsets.UTF_8))).hasMessageContaining("canonical");
  }

  @Test
  void aChangedLicenceOrAnotherSignerIsRefused() {
    UsageLicence l = licence(2, 2);
    SignedLicence s = SignedLicence.sign(l, PROVIDER);
    String more = new String(l.encoded(), StandardCharsets.UTF_8).replace("\"maxRuns\":2", "\"maxRuns\":200");
    SignedLicence tampered = new SignedLicence(Base64.getEncoder().encodeToString(more.getBytes(StandardCharsets.UTF_8)), s.providerKey(), s.signature());
    assertRule(tampered::verify, Rule.LICENCE_INVALID, "does not verify");
    // a site cannot issue itself a licence in the provider's name
    assertThatThrownBy(() -> SignedLicence.sign(l, SITE_A)).hasMessageContaining("provider");
    byte[] bytes = l.encoded();
    SignedLicence forged = new SignedLicence(Base64.getEncoder().encodeToString(bytes), SITE_A.publicKey().encoded(),
        Base64.getEncoder().encodeToString(SITE_A.sign(org.secaimed.connector.receipt.DsseEnvelope.pae(SignedLicence.PAYLOAD_TYPE, bytes))));
    assertRule(forged::verify, Rule.LICENCE_INVALID, "another party");
  }

  @Test
  void outputRulesKeepEvaluationToMetricsAndFineTunedWeightsSealed() {
    var b = UsageLicence.builder(PROVIDER.id(), MODEL).sites(SITE_A.id()).maxRuns(1, 1).notAfter(NOW);
    assertThatThrownBy(() -> b.allow("evaluation", "segmentation").build()).hasMessageContaining("outputs.evaluation");
    var c = UsageLicence.builder(PROVIDER.id(), MODEL).sites(SITE_A.id()).maxRuns(1, 1).notAfter(NOW);
    assertThatThrownBy(() -> c.allow("fine-tuning", "model").build()).hasMessageContaining("outputs.fine-tuning");
    var d = UsageLicence.builder(PROVIDER.id(), MODEL).sites(SITE_A.id()).allow("segmentation", "segmentation").maxRuns(2, 3).notAfter(NOW);
    assertThatThrownBy(d::build).hasMessageContaining("maxRunsPerSite");
  }

  @Test
  void theDecisionCountsRunsInAllAndPerSiteAndRefusesByRule() throws Exception {
    UsageLicence l = UsageLicence.builder(PROVIDER.id(), MODEL).sites(SITE_A.id(), SITE_B.id()).allow("segmentation", "segmentation")
        .maxRuns(3, 2).notAfter(NOW.plusSeconds(60)).build();
    var segA = new LicenceDecision.Task(SITE_A.id(), "segmentation", "segmentation", NOW);
    LicenceDecision.Allowed ok = LicenceDecision.decide(l, segA, new LicenceDecision.Usage(1, 1, false));
    assertThat(ok.run()).isEqualTo(2);
    assertThat(ok.siteRun()).isEqualTo(2);
    assertThat(ok.licenceDigest()).isEqualTo(l.digest());
    assertThat(ok.modelDigest()).isEqualTo(MODEL.digest());

    assertRule(() -> LicenceDecision.decide(l, segA, new LicenceDecision.Usage(2, 2, false)), Rule.LICENCE_RUNS_EXCEEDED, "per site");
    assertRule(() -> LicenceDecision.decide(l, new LicenceDecision.Task(SITE_B.id(), "segmentation", "segmentation", NOW),
        new LicenceDecision.Usage(3, 0, false)), Rule.LICENCE_RUNS_EXCEEDED, "in all");
    assertRule(() -> LicenceDecision.decide(l, new LicenceDecision.Task(PartyKey.generate().id(), "segmentation", "segmentation", NOW),
        new LicenceDecision.Usage(0, 0, false)), Rule.SITE_NOT_LICENSED, "not licensed");
    assertRule(() -> LicenceDecision.decide(l, new LicenceDecision.Task(SITE_A.id(), "segmentation", "segmentation", NOW.plusSeconds(60)),
        new LicenceDecision.Usage(0, 0, false)), Rule.LICENCE_EXPIRED, "expired");
    assertRule(() -> LicenceDecision.decide(l, new LicenceDecision.Task(SITE_A.id(), "fine-tuning", "sealed-model", NOW),
        new LicenceDecision.Usage(0, 0, false)), Rule.LICENCE_TASK_KIND_NOT_ALLOWED, "fine-tuning");
    assertRule(() -> LicenceDecision.decide(l, segA, new LicenceDecision.Usage(0, 0, true)), Rule.LICENCE_REVOKED, "revoked");
  }

  @Test
  void theYamlTermsBecomeACanonicalLicenceAndMisspeltKeysAreRefused() throws Exception {
    String yaml = "sites: [" + SITE_B.id() + ", " + SITE_A.id() + "]\nallow:\n  segmentation: [segmentation]\nmaxRuns: 2\nmaxRunsPerSite: 2\n"
        + "notAfter: 2027-06-30T00:00:00Z\n";
    UsageLicence l = LicenceFile.parse(yaml, PROVIDER.id(), MODEL);
    assertThat(l.sites()).isSorted().hasSize(2);
    assertThat(l.maxRuns()).isEqualTo(2);
    assertThat(l.model()).isEqualTo(MODEL);
    assertThatThrownBy(() -> LicenceFile.parse(yaml.replace("maxRunsPerSite", "maxRunPerSite"), PROVIDER.id(), MODEL))
        .hasMessageContaining("unknown key 'maxRunPerSite'");
    assertThatThrownBy(() -> LicenceFile.parse(yaml.replace("segmentation: [segmentation]", "evaluation: [segmentation]"), PROVIDER.id(), MODEL))
        .hasMessageContaining("outputs.evaluation");
  }

  interface Call {
    Object run() throws Exception;
  }

  static void assertRule(Call call, Rule rule, String text) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(RequestRefusedException.class, e -> assertThat(e.rule()).isEqualTo(rule))
        .hasMessageContaining(text);
  }
}
