package org.secaimed.tests.enclave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.gateway.AttestedEnclave;
import org.secaimed.connector.gateway.GatewayProblemException;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.io.RetryPolicy;
import org.secaimed.connector.gateway.TaskSpec;
import org.secaimed.connector.party.PartyKey;
import org.secaimed.connector.receipt.Receipts;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.seal.KemKeys;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.devtools.provider.ProviderParty;
import org.secaimed.dicom.pipeline.BridgePipeline;
import org.secaimed.dicom.pipeline.DirectorySegDestination;
import org.secaimed.dicom.pipeline.DirectorySeriesSource;
import org.secaimed.dicom.pipeline.PipelineListener;
import org.secaimed.dicom.pipeline.SeriesOutcome;
import org.secaimed.dicom.exchange.ResultPayload;
import org.secaimed.dicom.exchange.ResultPayloads;
import org.secaimed.enclave.server.algorithms.metrics.OverlapMetrics;
import org.secaimed.kaapana.cli.SecaimedCli;
import picocli.CommandLine;

/**
 * Issue #15 over HTTP against a real dev enclave: a provider publishes the phantom CNN under a
 * usage licence; a licensed site runs it through the bridge pipeline (SEG written back, Dice
 * checked, receipt naming licence digest, model digest and use count); every licence rule refuses
 * with a problem type naming it and appends nothing; {@code secaimed provider usage} lists exactly
 * the uses with verified proofs; and the ONNX bytes are nowhere on the site or in the enclave's
 * stored state. Each scenario offers its own licence under its own model version label, so the
 * scenarios do not depend on each other's order.
 */
class ProviderModelEndToEndTest {
  static final String MODEL = "phantom-ct-cnn";
  @TempDir static Path dir;
  static EnclaveFixture f;
  static Policy devPolicy;
  static Path devPolicyFile, providerKeyFile;
  static ProviderParty provider;
  static KemKeyPair siteBKeys = KemKeyPair.generate(HpkeSuite.X25519);
  static GatewaySession siteA, siteB;
  static AttestedEnclave enclaveA, enclaveB;
  static String blobA, blobB;
  static Path seriesDir;
  static PhantomSeries series;

  @BeforeAll
  static void setUp() throws Exception {
    f = new EnclaveFixture(dir);
    devPolicy = Policy.resource("policies/dev.yaml");
    devPolicyFile = Files.writeString(dir.resolve("dev-policy.yaml"), devPolicy.text());
    providerKeyFile = dir.resolve("provider.key");
    KemKeys.writePrivateKey(providerKeyFile, KemKeyPair.generate(HpkeSuite.X25519));
    provider = ProviderParty.attest(f.enclave.baseUrl(), devPolicy, KemKeys.readPrivateKey(providerKeyFile), dir.resolve("provider"));
    // Published before the sites upload, so their own-use policies allow the model (they list the catalogue).
    provider.publish("1.0.0", l -> l.sites(siteA()).allow("segmentation", "segmentation").maxRuns(2, 2).notAfter(hourFromNow()));

    series = EnclaveFixture.phantom(160, 16, 41);
    seriesDir = Files.createDirectories(dir.resolve("site-a/series"));
    series.writeTo(seriesDir);
    siteA = f.session(f.enclave.baseUrl(), "policies/dev.yaml").build();
    enclaveA = siteA.attest();
    blobA = EnclaveFixture.uploadPhantom(siteA, enclaveA, series).blob().blobId();
    siteB = GatewaySession.builder(f.enclave.baseUrl()).policy(devPolicy).pollInterval(Duration.ofMillis(50))
        .checkpointStore(dir.resolve("site-b/checkpoints")).workDir(dir.resolve("site-b/work"))
        .retry(new RetryPolicy(30, Duration.ofMillis(50), Duration.ofMillis(500))).site(siteBKeys).build();
    enclaveB = siteB.attest();
    blobB = EnclaveFixture.uploadPhantom(siteB, enclaveB, series).blob().blobId();
  }

  @AfterAll
  static void tearDown() {
    if (f != null) f.close();
  }

  static String siteA() {
    return PartyKey.derivedFrom(f.siteKeys).id();
  }

  static Instant hourFromNow() {
    return Instant.now().plusSeconds(3600);
  }

  static TaskReceipt.Algorithm model(String version) throws Exception {
    return siteA.client().algorithms().stream().filter(a -> a.getId().equals(MODEL) && a.getVersion().equals(version)).findFirst()
        .map(a -> new TaskReceipt.Algorithm(a.getId(), a.getVersion(), a.getDigest()))
        .orElseThrow(() -> new AssertionError("the catalogue does not list " + MODEL + " " + version));
  }

  /** Site A runs the published model through the bridge pipeline, SEG written into {@code run}. */
  static SeriesOutcome runPipeline(TaskReceipt.Algorithm algorithm, Path run) throws Exception {
    return BridgePipeline.builder().gateway(siteA).siteKey(f.siteKeys).source(new DirectorySeriesSource(seriesDir))
        .destination(new DirectorySegDestination(run, "seg.dcm")).algorithm(algorithm).taskTimeout(Duration.ofMinutes(2))
        .listener(PipelineListener.SILENT).build().segmentSeries(series.seriesInstanceUid(), run.resolve("run"));
  }

  /** Submits and expects the enclave to refuse with {@code slug}, appending nothing to the log. */
  static void assertRefused(GatewaySession s, AttestedEnclave e, String kind, String blob, TaskReceipt.Algorithm algorithm, String slug)
      throws Exception {
    long before = logSize();
    TaskSpec spec = new TaskSpec(kind, algorithm, List.of(blob), Map.of(), Map.of());
    assertThatThrownBy(() -> s.submit(e, spec, KemKeyPair.generate(HpkeSuite.X25519).publicKey(), "refused-" + System.nanoTime()))
        .isInstanceOfSatisfying(GatewayProblemException.class, p -> {
          assertThat(p.type()).endsWith("/" + slug);
          assertThat(p.status()).isEqualTo(403);
        });
    assertThat(logSize()).as("a refusal appends nothing to the log").isEqualTo(before);
  }

  static long logSize() throws Exception {
    String note = siteA.client().checkpoint();
    return Long.parseLong(note.lines().skip(1).findFirst().orElseThrow());
  }

  @Test
  void aLicensedSiteSegmentsTwiceThenTheThirdRunIsRefusedAndTheUsageAuditListsExactlyTheTwoUses() throws Exception {
    TaskReceipt.Algorithm algorithm = model("1.0.0");
    JsonNode listed = catalogueEntry("1.0.0");
    assertThat(listed.path("provider").asText()).isEqualTo(provider.key().id());
    String licenceDigest = listed.path("licence").path("digest").asText();
    Path stored = dir.resolve("provider-checkpoint.note");
    assertThat(usage(licenceDigest, stored).path("entries").asInt()).isZero();

    String[] taskIds = new String[2];
    for (int run = 1; run <= 2; run++) {
      Path folder = dir.resolve("site-a/run-" + run);
      SeriesOutcome outcome = runPipeline(algorithm, folder);
      taskIds[run - 1] = outcome.taskId();
      // the SEG on the existing write-back path, scored against the phantom's truth
      assertThat(outcome.segments()).containsExactly("Body", "Lungs", "Bone");
      assertThat(folder.resolve("seg.dcm")).exists();
      TaskReceipt receipt = Receipts.open(org.secaimed.connector.receipt.ReceiptBundle.read(outcome.receiptFile()).envelope(),
          enclaveA.signingKey());
      assertThat(receipt.algorithm().digest()).isEqualTo(algorithm.digest());
      TaskReceipt.Licence l = receipt.licence();
      assertThat(l).as("the receipt names the licence").isNotNull();
      assertThat(l.digest()).isEqualTo(licenceDigest);
      assertThat(l.modelDigest()).isEqualTo(algorithm.digest());
      assertThat(l.provider()).isEqualTo(provider.key().id());
      assertThat(l.run()).isEqualTo(run);
      assertThat(l.siteRun()).isEqualTo(run);
      assertThat(l.maxRuns()).isEqualTo(2);
      // the licence-use entry was appended before the receipt (and before the model was unwrapped)
      assertThat(l.useLeafIndex()).isLessThan(outcome.logIndex());
      // The site's data-protection view (provenance study): its input's use names the provider's model and licence.
      var uses = siteA.inputUses(enclaveA, outcome.blobId()).uses();
      assertThat(uses).hasSize(1);
      assertThat(uses.get(0).taskId()).isEqualTo(outcome.taskId());
      assertThat(uses.get(0).algorithm()).isEqualTo(algorithm);
      assertThat(uses.get(0).licensedModel()).isEqualTo(new org.secaimed.connector.provenance.InputUses.LicensedModel(licenceDigest,
          provider.key().id(), algorithm.digest(), run, 2));
    }
    assertThat(diceOfLastSeg()).allSatisfy((label, dice) -> assertThat(dice).as(label).isGreaterThanOrEqualTo(0.95));

    assertRefused(siteA, enclaveA, "segmentation", blobA, algorithm, "licence-runs-exceeded");

    JsonNode audit = usage(licenceDigest, stored);
    assertThat(audit.path("verified").asBoolean()).isTrue();
    assertThat(audit.path("consistencyChecked").asBoolean()).isTrue();
    assertThat(audit.path("entries").asInt()).isEqualTo(2);
    assertThat(audit.path("uses").findValuesAsText("taskId")).containsExactly(taskIds);
    assertThat(audit.path("uses").findValuesAsText("site")).containsOnly(siteA());
  }

  @Test
  void anUnlicensedSiteIsRefused() throws Exception {
    assertRefused(siteB, enclaveB, "segmentation", blobB, model("1.0.0"), "site-not-licensed");
  }

  @Test
  void anExpiredLicenceIsRefused() throws Exception {
    provider.publish("1.0.0-expired", l -> l.sites(siteA()).allow("segmentation", "segmentation").maxRuns(5, 5)
        .notAfter(Instant.now().minusSeconds(3600)));
    assertRefused(siteA, enclaveA, "segmentation", blobA, model("1.0.0-expired"), "expired-licence");
  }

  @Test
  void aRevokedLicenceIsRefused() throws Exception {
    ProviderParty.Published p = provider.publish("1.0.0-revoked", l -> l.sites(siteA()).allow("segmentation", "segmentation")
        .maxRuns(5, 5).notAfter(hourFromNow()));
    Run revoked = cli("provider", "revoke", "--licence-digest", p.licence().digest(), "--key", providerKeyFile.toString(),
        "--gateway", f.enclave.baseUrl(), "--policy", devPolicyFile.toString(), "--json");
    assertThat(revoked.exit).as(revoked.out + revoked.err).isZero();
    assertRefused(siteA, enclaveA, "segmentation", blobA, model("1.0.0-revoked"), "licence-revoked");
  }

  @Test
  void aTaskKindTheLicenceDoesNotAllowIsRefused() throws Exception {
    provider.publish("1.0.0-segmentation-only", l -> l.sites(siteA()).allow("segmentation", "segmentation").maxRuns(5, 5)
        .notAfter(hourFromNow()));
    assertRefused(siteA, enclaveA, "evaluation", blobA, model("1.0.0-segmentation-only"), "licence-task-kind-not-allowed");
  }

  @Test
  void twoTasksRacingForTheLastRunGetOneRunBetweenThem() throws Exception {
    ProviderParty.Published p = provider.publish("1.0.0-last-run", l -> l.sites(siteA()).allow("segmentation", "segmentation")
        .maxRuns(1, 1).notAfter(hourFromNow()));
    TaskSpec spec = new TaskSpec("segmentation", model("1.0.0-last-run"), List.of(blobA), Map.of(), Map.of());
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<String>> racing = new java.util.ArrayList<>();
      for (int i = 0; i < 2; i++) {
        String key = "last-run-" + i + "-" + System.nanoTime();
        racing.add(pool.submit(() -> {
          try {
            // Either refused at submission (403) or, if both passed that check, when the enclave
            // decides again and appends the use before unwrapping: then the task fails with the rule.
            siteA.await(siteA.submit(enclaveA, spec, f.siteKeys.publicKey(), key), Duration.ofMinutes(2), null);
            return "ran";
          } catch (GatewayProblemException e) {
            return e.type() == null ? "untyped" : e.type().substring(e.type().lastIndexOf('/') + 1);
          }
        }));
      }
      List<String> outcomes = new java.util.ArrayList<>();
      for (var r : racing) outcomes.add(r.get());
      assertThat(outcomes).containsExactlyInAnyOrder("ran", "licence-runs-exceeded");
    } finally {
      pool.shutdownNow();
    }
    assertThat(provider.usage(p.licence().digest(), null).verified().uses()).hasSize(1);
  }

  @Test
  void theModelBytesAreNowhereOnTheSiteNorInTheEnclavesStoredState() throws Exception {
    provider.publish("1.0.0-scan", l -> l.sites(siteA()).allow("segmentation", "segmentation").maxRuns(1, 1).notAfter(hourFromNow()));
    Path run = dir.resolve("site-a/scan-run");
    SeriesOutcome outcome = runPipeline(model("1.0.0-scan"), run);
    assertThat(outcome.taskId()).isNotNull();
    byte[] onnx = ProviderParty.onnxBytes();
    byte[] window = Arrays.copyOfRange(onnx, onnx.length / 2, onnx.length / 2 + 64);
    int scanned = 0;
    // The site's run folders (records, receipts, SEGs, checkpoints, work files) and everything the
    // enclave server stored: blobs, sealed provider bundles, licence ledger, log, tasks, models.
    for (Path root : List.of(dir.resolve("site-a"), dir.resolve("site-b"), dir.resolve("site"), f.enclave.stateDir())) {
      if (!Files.exists(root)) continue;
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          byte[] bytes = Files.readAllBytes(file);
          assertThat(indexOf(bytes, window)).as("a window of the model's bytes in %s", file).isEqualTo(-1);
          assertThat(indexOf(bytes, onnx)).as("the model in %s", file).isEqualTo(-1);
          scanned++;
        }
      }
    }
    assertThat(scanned).as("files scanned").isGreaterThan(10);
    assertThat(f.enclave.stateDir().resolve("provider-models")).isDirectory();
  }

  /** Dice of each structure in the last run's SEG, read back from disk. */
  static Map<String, Double> diceOfLastSeg() throws Exception {
    // Scores the label map the SEG was written from: the run folder's SEG read as a label volume.
    var headers = org.secaimed.dicom.geometry.SeriesAssembler.create().withPixels(false).addDirectory(seriesDir).assemble();
    var seg = org.secaimed.dicom.seg.SegmentationReader.read(dir.resolve("site-a/run-2/seg.dcm"), headers);
    byte[] truth = series.phantom().truth().labels();
    Map<String, Double> dice = new java.util.LinkedHashMap<>();
    for (var s : series.phantom().segments()) {
      var found = seg.segments().stream().filter(d -> d.type().value().equals(s.type().value())).findFirst().orElseThrow();
      java.util.BitSet mask = seg.mask(found.number());
      byte[] predicted = new byte[truth.length];
      for (int i = 0; i < truth.length; i++) if (mask.get(i)) predicted[i] = 1;
      dice.put(s.label(), OverlapMetrics.dice(predicted, 1, truth, s.number()));
    }
    return dice;
  }

  static JsonNode catalogueEntry(String version) throws Exception {
    for (var a : siteA.client().algorithms()) {
      if (a.getId().equals(MODEL) && a.getVersion().equals(version)) return new ObjectMapper().valueToTree(a);
    }
    throw new AssertionError("not listed: " + version);
  }

  static JsonNode usage(String digest, Path stored) throws Exception {
    Run r = cli("provider", "usage", "--licence-digest", digest, "--checkpoint", stored.toString(), "--key", providerKeyFile.toString(),
        "--gateway", f.enclave.baseUrl(), "--policy", devPolicyFile.toString(), "--json");
    assertThat(r.exit).as(r.out + r.err).isZero();
    return new ObjectMapper().readTree(r.out);
  }

  record Run(int exit, String out, String err) {}

  static Run cli(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    CommandLine c = SecaimedCli.commandLine();
    c.setOut(new PrintWriter(out));
    c.setErr(new PrintWriter(err));
    int exit = c.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }
}
