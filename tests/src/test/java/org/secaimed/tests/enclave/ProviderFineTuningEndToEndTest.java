package org.secaimed.tests.enclave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.gateway.AttestedEnclave;
import org.secaimed.connector.gateway.GatewayProblemException;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.gateway.SubmittedTask;
import org.secaimed.connector.gateway.TaskSpec;
import org.secaimed.connector.gateway.VerifiedResult;
import org.secaimed.connector.io.RetryPolicy;
import org.secaimed.connector.party.PartyKey;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.devtools.provider.ProviderParty;
import org.secaimed.dicom.exchange.ResultPayload;
import org.secaimed.dicom.exchange.ResultPayloads;
import org.secaimed.dicom.seg.SegmentationType;
import org.secaimed.enclave.server.algorithms.metrics.OverlapMetrics;

/**
 * Fine-tuning a provider's published model over HTTP against a real dev enclave (issue #15 left it
 * tested in-process only): a site whose licence allows {@code fine-tuning} re-fits the model's head
 * on its own labelled study; the result names the fine-tuned model but carries no weights (the
 * licence's output is {@code sealed-model}: the head stays in the enclave); the use is counted and
 * named in the receipt; the site then segments an unseen study with that head; another licensed
 * site may not use a head trained on the first site's data (its owner's policy), and a licence
 * without fine-tuning refuses the training task.
 */
class ProviderFineTuningEndToEndTest {
  static final String MODEL = "phantom-ct-cnn";
  @TempDir static Path dir;
  static EnclaveFixture f;
  static ProviderParty provider;
  static GatewaySession siteA, siteB;
  static AttestedEnclave enclaveA, enclaveB;
  static KemKeyPair siteBKeys = KemKeyPair.generate(HpkeSuite.X25519);

  @BeforeAll
  static void setUp() throws Exception {
    f = new EnclaveFixture(dir);
    Policy dev = Policy.resource("policies/dev.yaml");
    provider = ProviderParty.attest(f.enclave.baseUrl(), dev, KemKeyPair.generate(HpkeSuite.X25519), dir.resolve("provider"));
    String a = PartyKey.derivedFrom(f.siteKeys).id(), b = PartyKey.derivedFrom(siteBKeys).id();
    // Published before the sites upload, so their own-use policies allow the model (they list the catalogue).
    provider.publish("2.0.0-ft", l -> l.sites(a, b).allow("fine-tuning", "sealed-model").allow("segmentation", "segmentation")
        .maxRuns(10, 5).notAfter(Instant.now().plusSeconds(3600)));
    provider.publish("2.0.0-seg-only", l -> l.sites(a).allow("segmentation", "segmentation").maxRuns(10, 5)
        .notAfter(Instant.now().plusSeconds(3600)));
    siteA = f.session(f.enclave.baseUrl(), "policies/dev.yaml").build();
    enclaveA = siteA.attest();
    siteB = GatewaySession.builder(f.enclave.baseUrl()).policy(dev).pollInterval(Duration.ofMillis(50))
        .checkpointStore(dir.resolve("site-b/checkpoints")).workDir(dir.resolve("site-b/work"))
        .retry(new RetryPolicy(30, Duration.ofMillis(50), Duration.ofMillis(500))).site(siteBKeys).build();
    enclaveB = siteB.attest();
  }

  @AfterAll
  static void tearDown() {
    if (f != null) f.close();
  }

  static EnclaveFixture.UploadedStudy upload(GatewaySession s, AttestedEnclave e, PhantomSeries series, SegmentationType truth)
      throws Exception {
    return EnclaveFixture.uploadPhantom(s, e, series, truth);
  }

  record Ran(ResultPayload payload, TaskReceipt receipt) {}

  static Ran run(GatewaySession s, AttestedEnclave e, KemKeyPair key, String kind, TaskReceipt.Algorithm alg, EnclaveFixture.UploadedStudy study,
      Map<String, String> params) throws Exception {
    SubmittedTask t = s.submit(e, new TaskSpec(kind, alg, List.of(study.blob().blobId()), params,
        Map.of(study.blob().blobId(), study.manifest())), key.publicKey(), kind + "-" + System.nanoTime());
    s.await(t, Duration.ofMinutes(3), null);
    try (VerifiedResult r = s.fetchVerified(e, t); InputStream in = r.open(key)) {
      return new Ran(ResultPayloads.read(in), r.receipt());
    }
  }

  static TaskReceipt.Algorithm model(String version) throws Exception {
    return siteA.client().algorithms().stream().filter(x -> x.getId().equals(MODEL) && x.getVersion().equals(version)).findFirst()
        .map(x -> new TaskReceipt.Algorithm(x.getId(), x.getVersion(), x.getDigest()))
        .orElseThrow(() -> new AssertionError("the catalogue does not list " + MODEL + " " + version));
  }

  @Test
  void aLicensedSiteFineTunesThePublishedModelAndSegmentsWithItsHeadWhichNoOtherSiteMayUse() throws Exception {
    TaskReceipt.Algorithm algorithm = model("2.0.0-ft");
    EnclaveFixture.UploadedStudy labelled = upload(siteA, enclaveA, EnclaveFixture.phantom(128, 12, 61), SegmentationType.BINARY);
    Ran trained = run(siteA, enclaveA, f.siteKeys, "training", algorithm, labelled, Map.of("iterations", "60"));
    assertThat(trained.payload()).isInstanceOf(ResultPayload.Training.class);
    var model = ((ResultPayload.Training) trained.payload()).model();
    assertThat(model.trainedBy()).isEqualTo(MODEL);
    // the use was counted against the licence and named in the receipt, as for a segmentation
    assertThat(trained.receipt().licence()).isNotNull();
    assertThat(trained.receipt().licence().modelDigest()).isEqualTo(algorithm.digest());
    assertThat(trained.receipt().licence().siteRun()).isEqualTo(1);
    assertThat(trained.receipt().outputDigest("model:" + model.id())).isEqualTo(model.digest().substring(7));

    PhantomSeries unseen = EnclaveFixture.phantom(128, 12, 62);
    Ran seg = run(siteA, enclaveA, f.siteKeys, "segmentation", algorithm, upload(siteA, enclaveA, unseen, null), Map.of("model", model.id()));
    var s = (ResultPayload.Segmentation) seg.payload();
    assertThat(s.model()).isEqualTo(model);
    assertThat(seg.receipt().licence().siteRun()).isEqualTo(2);
    byte[] truth = unseen.phantom().truth().labels();
    assertThat(OverlapMetrics.dice(s.labels().labels(), 1, truth, 1)).as("Dice of the body with the fine-tuned head").isGreaterThanOrEqualTo(0.9);

    // Site B holds the same licence, but the head was trained on site A's data: A's policy decides.
    EnclaveFixture.UploadedStudy other = upload(siteB, enclaveB, unseen, null);
    assertThatThrownBy(() -> siteB.submit(enclaveB, new TaskSpec("segmentation", algorithm, List.of(other.blob().blobId()),
        Map.of("model", model.id()), Map.of()), siteBKeys.publicKey(), "b-uses-a-head"))
        .isInstanceOfSatisfying(GatewayProblemException.class, p -> {
          assertThat(p.status()).isEqualTo(403);
          assertThat(p.type()).endsWith("/model-use-not-allowed");
        });
  }

  @Test
  void aLicenceWithoutFineTuningRefusesTheTrainingTask() throws Exception {
    EnclaveFixture.UploadedStudy labelled = upload(siteA, enclaveA, EnclaveFixture.phantom(96, 8, 63), SegmentationType.BINARY);
    assertThatThrownBy(() -> siteA.submit(enclaveA, new TaskSpec("training", model("2.0.0-seg-only"), List.of(labelled.blob().blobId()),
        Map.of(), Map.of()), f.siteKeys.publicKey(), "ft-not-licensed"))
        .isInstanceOfSatisfying(GatewayProblemException.class, p -> {
          assertThat(p.status()).isEqualTo(403);
          assertThat(p.type()).endsWith("/licence-task-kind-not-allowed");
        });
  }
}
