package org.secaimed.tests.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.enclave.server.EnclaveServer;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.receipt.ReceiptBundle;
import org.secaimed.connector.receipt.ReceiptVerifier;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.devtools.enclave.DevEnclave;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.dicom.pipeline.BridgePipeline;
import org.secaimed.dicom.pipeline.CohortOutcome;
import org.secaimed.dicom.pipeline.DirectorySegDestination;
import org.secaimed.dicom.pipeline.DirectorySeriesSource;
import org.secaimed.dicom.pipeline.PipelineException;
import org.secaimed.dicom.seg.SegmentationType;

/**
 * Training and evaluation through the same pipeline the operator runs: each series travels with
 * the SEGs that reference it, the site gets back only a model id, digests and metrics, and each
 * task leaves a receipt that verifies offline.
 */
class CohortPipelineTest {

  @Test
  void trainThenEvaluateTheTrainedModelEachWithAVerifiedReceipt(@TempDir Path dir) throws Exception {
    Path pacs = Files.createDirectories(dir.resolve("pacs"));
    PhantomSeries a = new PhantomSeries(CtPhantom.builder().size(192, 192, 24).seed(31).build());
    PhantomSeries b = new PhantomSeries(CtPhantom.builder().size(192, 192, 24).seed(32).build());
    copyInto(pacs, "a-", a.writeTo(dir.resolve("series-a")));
    copyInto(pacs, "b-", b.writeTo(dir.resolve("series-b")));
    Files.write(pacs.resolve("truth-a.dcm"), a.groundTruthSeg(SegmentationType.BINARY));
    Files.write(pacs.resolve("truth-b.dcm"), b.groundTruthSeg(SegmentationType.LABELMAP));

    try (DevEnclave enclave = DevEnclave.start(EnclaveServer.Config.defaults(dir.resolve("enclave")),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      KemKeyPair site = KemKeyPair.generate(HpkeSuite.X25519);

      CohortOutcome trained = pipeline(enclave, dir, site, Map.of("iterations", "30", "samples", "8000"), pacs)
          .runCohort("training", List.of(a.seriesInstanceUid()), dir.resolve("run-train"));
      assertThat(trained.modelId()).isNotBlank();
      assertThat(trained.modelDigest()).startsWith("sha256:");
      assertThat(ReceiptVerifier.verify(ReceiptBundle.read(trained.receiptFile()), null).receipt().taskId()).isEqualTo(trained.taskId());

      CohortOutcome evaluated = pipeline(enclave, dir, site, Map.of("model", trained.modelId()), pacs)
          .runCohort("evaluation", List.of(b.seriesInstanceUid()), dir.resolve("run-eval"));
      assertThat(evaluated.modelId()).isEqualTo(trained.modelId());
      assertThat(evaluated.metrics()).containsKey("dice[2]");
      assertThat(evaluated.metrics().get("dice[2]")).as("lung Dice of the trained model").isGreaterThanOrEqualTo(0.85);
      assertThat(Files.readString(evaluated.recordFile())).contains(trained.modelId());

      // A rerun finds everything in its journal: nothing is uploaded or submitted again.
      long blobs = enclave.blobCount();
      CohortOutcome again = pipeline(enclave, dir, site, Map.of("model", trained.modelId()), pacs)
          .runCohort("evaluation", List.of(b.seriesInstanceUid()), dir.resolve("run-eval"));
      assertThat(again.taskId()).isEqualTo(evaluated.taskId());
      assertThat(again.resumedSteps()).contains("upload", "submit", "await");
      assertThat(enclave.blobCount()).isEqualTo(blobs);
    }
  }

  @Test
  void aSeriesWithoutReferenceSegIsRefusedBeforeAnythingIsUploaded(@TempDir Path dir) throws Exception {
    Path pacs = Files.createDirectories(dir.resolve("pacs"));
    PhantomSeries a = new PhantomSeries(CtPhantom.builder().size(96, 96, 8).seed(5).build());
    a.writeTo(pacs);
    try (DevEnclave enclave = DevEnclave.start(EnclaveServer.Config.defaults(dir.resolve("enclave")),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      KemKeyPair site = KemKeyPair.generate(HpkeSuite.X25519);
      assertThatThrownBy(() -> pipeline(enclave, dir, site, Map.of(), pacs)
          .runCohort("training", List.of(a.seriesInstanceUid()), dir.resolve("run")))
          .isInstanceOf(PipelineException.class)
          .hasMessageContaining(a.seriesInstanceUid())
          .hasMessageContaining("no SEG");
      assertThat(enclave.blobCount()).isZero();
    }
  }

  /** One folder holding several series, as a PACS export would (the phantom's file names repeat per series). */
  private static void copyInto(Path folder, String prefix, List<Path> files) throws java.io.IOException {
    for (Path f : files) Files.copy(f, folder.resolve(prefix + f.getFileName()));
  }

  private static BridgePipeline pipeline(DevEnclave enclave, Path dir, KemKeyPair site, Map<String, String> params, Path pacs)
      throws Exception {
    GatewaySession gateway = GatewaySession.builder(enclave.baseUrl())
        .policy(Policy.resource("policies/dev.yaml"))
        .site(site)
        .pollInterval(Duration.ofMillis(50))
        .checkpointStore(dir.resolve("site/checkpoints"))
        .workDir(dir.resolve("site/work"))
        .build();
    return BridgePipeline.builder()
        .gateway(gateway)
        .siteKey(site)
        .source(new DirectorySeriesSource(pacs))
        .destination(new DirectorySegDestination(dir.resolve("out")))
        .algorithm(BridgePipeline.resolveAlgorithm(gateway, "voxel-classifier", null))
        .parameters(params)
        .build();
  }
}
