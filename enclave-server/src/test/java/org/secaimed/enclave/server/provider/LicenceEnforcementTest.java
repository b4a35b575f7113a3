package org.secaimed.enclave.server.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.gateway.Bindings;
import org.secaimed.connector.party.PartyKey;
import org.secaimed.connector.party.RequestRefusedException;
import org.secaimed.connector.party.RequestRefusedException.Rule;
import org.secaimed.connector.provider.LicenceAudit;
import org.secaimed.connector.provider.LicenceDecision;
import org.secaimed.connector.provider.SignedLicence;
import org.secaimed.connector.provider.UsageLicence;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.SealedArchive;
import org.secaimed.connector.tlog.LogProofException;
import org.secaimed.connector.io.Digests;
import org.secaimed.dicom.exchange.ModelBundle;
import org.secaimed.dicom.exchange.ModelManifest;
import org.secaimed.enclave.server.keys.EnclaveKeys;
import org.secaimed.enclave.server.log.ReceiptLog;
import org.secaimed.onnx.OnnxSegmentationModel;

/**
 * The enclave's licence enforcement with the log as state: a provider's model (2 runs for site A,
 * none for site B) is unwrapped only after its use is in the log; the third run, site B, an expired
 * licence and a revoked one are refused; counts survive a restart; the provider's audit verifies
 * exactly the logged uses and notices an omitted one.
 */
class LicenceEnforcementTest {
  static final Path MODEL_DIR = Path.of(System.getProperty("secaimed.repo.root", "..")).resolve("models/phantom-ct-cnn");
  static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  final PartyKey provider = PartyKey.generate(), siteA = PartyKey.generate(), siteB = PartyKey.generate();

  @TempDir Path state;
  EnclaveKeys keys;
  ReceiptLog log;
  LicenceLedger ledger;
  ProviderModelStore store;
  byte[] onnx;
  UsageLicence licence;

  @BeforeEach
  void setUp() throws Exception {
    keys = EnclaveKeys.loadOrCreate(Files.createDirectories(state.resolve("keys")), HpkeSuite.DEFAULT);
    log = new ReceiptLog(Files.createDirectories(state.resolve("log")), keys.signing());
    ledger = new LicenceLedger(state.resolve("licences"), log, keys.signing());
    store = new ProviderModelStore(state.resolve("provider-models"), keys.kem());
    onnx = Files.readAllBytes(MODEL_DIR.resolve("model.onnx"));
    ModelManifest manifest = ModelManifest.parse(Files.readAllBytes(MODEL_DIR.resolve("manifest.json")));
    licence = UsageLicence.builder(provider.id(), new UsageLicence.Model(manifest.id(), manifest.version(), Digests.of(onnx)))
        .sites(siteA.id()).allow("segmentation", "segmentation").maxRuns(2, 2).notAfter(NOW.plusSeconds(3600)).build();
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    new ModelBundle(manifest, onnx).writeTo(plain);
    byte[] sealed = SealedArchive.seal(plain.toByteArray(), keys.kem().publicKey(), Bindings.modelBundle(keys.kem().publicKey().keyId(), licence.digest()));
    store.publish(SignedLicence.sign(licence, provider), sealed);
  }

  LicenceDecision.Task segmentation(PartyKey site, Instant at) {
    return new LicenceDecision.Task(site.id(), "segmentation", "segmentation", at);
  }

  @Test
  void twoRunsForSiteAThenRefusalsAndTheAuditListsExactlyTheTwoUses() throws Exception {
    String afterFirst = null;
    for (int run = 1; run <= 2; run++) {
      long size = log.size();
      LicenceLedger.LoggedUse use = ledger.authorize(store.licence(licence.digest()), segmentation(siteA, NOW), "task-" + run);
      // the use is in the log before the model is unwrapped
      assertThat(log.size()).isEqualTo(size + 1);
      assertThat(use.leafIndex()).isEqualTo(size);
      assertThat(use.allowed().run()).isEqualTo(run);
      try (OnnxSegmentationModel model = store.unwrap(use, 1)) {
        assertThat(model.digest()).isEqualTo(licence.model().digest());
      }
      if (run == 1) afterFirst = log.signedCheckpoint(); // what the provider stored at its last audit
    }
    long size = log.size();
    assertRefused(() -> ledger.authorize(licence, segmentation(siteA, NOW), "task-3"), Rule.LICENCE_RUNS_EXCEEDED);
    assertRefused(() -> ledger.authorize(licence, segmentation(siteB, NOW), "task-b"), Rule.SITE_NOT_LICENSED);
    assertRefused(() -> ledger.authorize(licence, segmentation(siteA, NOW.plusSeconds(7200)), "task-late"), Rule.LICENCE_EXPIRED);
    assertThat(log.size()).as("refusals append nothing").isEqualTo(size);

    // a restart keeps the counts (they are the log's) and gives a restarted task its own use back
    LicenceLedger again = new LicenceLedger(state.resolve("licences"), log, keys.signing());
    assertRefused(() -> again.authorize(licence, segmentation(siteA, NOW), "task-3"), Rule.LICENCE_RUNS_EXCEEDED);
    assertThat(again.authorize(licence, segmentation(siteA, NOW), "task-2").allowed().run()).isEqualTo(2);

    LicenceAudit.Report report = again.report(licence.digest());
    LicenceAudit.Verified verified = LicenceAudit.verify(report, keys.signing().getPublic(), afterFirst, log.consistencyProof(1, log.size()));
    assertThat(verified.uses()).extracting(e -> e.taskId()).containsExactly("task-1", "task-2");
    assertThat(verified.uses()).allSatisfy(e -> assertThat(e.site()).isEqualTo(siteA.id()));
    assertThat(verified.consistencyChecked()).isTrue();

    // a gateway that hides the first use is caught by the numbering
    List<LicenceAudit.Item> hidden = new ArrayList<>(report.entries());
    hidden.remove(0);
    assertThatThrownBy(() -> LicenceAudit.verify(new LicenceAudit.Report(report.licenceDigest(), report.checkpoint(), hidden),
        keys.signing().getPublic(), null, List.of())).isInstanceOf(LogProofException.class).hasMessageContaining("omits a use");
  }

  @Test
  void aRevokedLicenceRefusesTheNextRun() throws Exception {
    ledger.authorize(licence, segmentation(siteA, NOW), "task-1");
    ledger.revoke(licence.digest(), NOW);
    assertRefused(() -> ledger.authorize(licence, segmentation(siteA, NOW), "task-2"), Rule.LICENCE_REVOKED);
    assertThat(LicenceAudit.verify(ledger.report(licence.digest()), keys.signing().getPublic(), null, List.of()).revoked()).isTrue();
  }

  @Test
  void aBundleSealedUnderAnotherLicenceIsNotPublished() throws Exception {
    UsageLicence generous = UsageLicence.builder(provider.id(), licence.model()).sites(siteA.id(), siteB.id())
        .allow("segmentation", "segmentation").maxRuns(100, 100).notAfter(NOW.plusSeconds(3600)).build();
    byte[] sealedForOriginal = Files.readAllBytes(state.resolve("provider-models").resolve(licence.digest()).resolve("bundle.sealed"));
    assertRefused(() -> store.publish(SignedLicence.sign(generous, provider), sealedForOriginal), Rule.LICENCE_MODEL_MISMATCH);
  }

  interface Call {
    Object run() throws Exception;
  }

  static void assertRefused(Call call, Rule rule) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(RequestRefusedException.class, e -> assertThat(e.rule()).isEqualTo(rule));
  }
}
