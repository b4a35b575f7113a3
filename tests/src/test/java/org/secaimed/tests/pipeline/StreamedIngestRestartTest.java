package org.secaimed.tests.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.devtools.enclave.DevEnclave;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.dicom.pipeline.BridgePipeline;
import org.secaimed.dicom.pipeline.DirectorySegDestination;
import org.secaimed.dicom.pipeline.DirectorySeriesSource;
import org.secaimed.dicom.pipeline.PipelineException;
import org.secaimed.dicom.pipeline.PipelineListener;
import org.secaimed.dicom.pipeline.RunJournal;
import org.secaimed.dicom.pipeline.SeriesOutcome;
import org.secaimed.enclave.server.EnclaveServer;

/**
 * The pipeline's streamed ingest (issue #16, decision 24) with the real dev enclave and its real
 * segmentation: the task is submitted against the upload before the series is sealed, and a
 * restart at any point neither loses the result nor stores a second SEG (DESIGN invariant 5).
 */
class StreamedIngestRestartTest {
  @TempDir Path dir;
  private DevEnclave enclave;
  private PhantomSeries series;
  private Path pacs;
  private final KemKeyPair site = KemKeyPair.generate(HpkeSuite.X25519);

  @BeforeEach
  void start() throws Exception {
    pacs = Files.createDirectories(dir.resolve("pacs"));
    series = new PhantomSeries(CtPhantom.builder().size(64, 64, 8).seed(16).build());
    series.writeTo(pacs);
    enclave = DevEnclave.start(EnclaveServer.Config.defaults(dir.resolve("enclave")),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() {
    enclave.close();
  }

  @Test
  void theTaskNamesTheUploadWhileTheSeriesIsSealedAndItsReceiptNamesTheBlob() throws Exception {
    List<String> steps = new java.util.ArrayList<>();
    PipelineListener order = new PipelineListener() {
      @Override
      public void stepFinished(PipelineException.Step step, String detail) {
        steps.add(step.name());
      }
    };
    SeriesOutcome outcome = pipeline(order).segmentSeries(series.seriesInstanceUid(), dir.resolve("run"));
    assertThat(steps).contains("SUBMIT", "UPLOAD");
    // The task was submitted naming the upload, not the blob it became.
    assertThat(Files.readString(enclave.stateDir().resolve("tasks/" + outcome.taskId() + ".json"))).contains("upl-")
        .doesNotContain(outcome.blobId());
    assertThat(Files.readString(dir.resolve("run").resolve(RunJournal.FILE_NAME))).contains("\"STREAMING\"", "\"UPLOADED\"", "\"SUBMITTED\"");
    assertThat(outcome.blobId()).startsWith("sha256:");
    assertThat(taskIds()).containsExactly(outcome.taskId());
    assertThat(segCount()).isEqualTo(1);
  }

  @Test
  void aRestartBeforeTheUploadCompletedAbandonsTheStreamAndFinishesTheClassicWay() throws Exception {
    Path runDir = dir.resolve("run");
    PipelineListener dies = new PipelineListener() {
      @Override
      public void instanceSealed(int count, long plaintextBytes) {
        if (count == 4) throw new IllegalStateException("operator killed while sealing");
      }
    };
    assertThatThrownBy(() -> pipeline(dies).segmentSeries(series.seriesInstanceUid(), runDir)).hasMessageContaining("killed");
    // The submit travels beside the sealing: it made a task, which fails with the abandoned upload,
    // or it reached the enclave after the abandonment and was refused (then the kill is still the reason given).
    List<String> first = taskIds();
    assertThat(first).hasSizeLessThanOrEqualTo(1);
    for (String t : first) {
      awaitState(t, "failed");
      assertThat(Files.readString(enclave.stateDir().resolve("tasks/" + t + ".json"))).contains("input-upload-aborted");
    }

    SeriesOutcome outcome = pipeline(PipelineListener.SILENT).segmentSeries(series.seriesInstanceUid(), runDir);
    assertThat(outcome.resumedSteps()).contains("stream-abandoned");
    assertThat(taskIds()).hasSize(first.size() + 1).contains(outcome.taskId());
    assertThat(segCount()).as("one SEG written back").isEqualTo(1);
  }

  @Test
  void aRestartAfterTheUploadButBeforeTheTaskIdWasJournalledFindsTheSameTask() throws Exception {
    Path runDir = dir.resolve("run");
    PipelineListener dies = new PipelineListener() {
      @Override
      public void stepFinished(PipelineException.Step step, String detail) {
        if (step == PipelineException.Step.UPLOAD) throw new IllegalStateException("operator killed after the upload");
      }
    };
    assertThatThrownBy(() -> pipeline(dies).segmentSeries(series.seriesInstanceUid(), runDir)).hasMessageContaining("killed");
    String journal = Files.readString(runDir.resolve(RunJournal.FILE_NAME));
    assertThat(journal).contains("\"UPLOADED\"").doesNotContain("\"SUBMITTED\"");

    SeriesOutcome outcome = pipeline(PipelineListener.SILENT).segmentSeries(series.seriesInstanceUid(), runDir);
    assertThat(outcome.resumedSteps()).contains("stream-resend", "upload");
    assertThat(taskIds()).as("the enclave made exactly one task").containsExactly(outcome.taskId());
    assertThat(enclave.blobCount()).isEqualTo(1);
    assertThat(segCount()).isEqualTo(1);
  }

  @Test
  void aPolicyAllowingOneUseIsUploadedFirstSoAFailedStreamCannotSpendIt() throws Exception {
    org.secaimed.connector.gateway.UsagePolicies once = (party, catalogue) -> {
      var b = org.secaimed.connector.party.UsagePolicy.builder(party.id()).purposes("own-use").taskKinds("segmentation")
          .submitters(party.id()).recipients("segmentation", party.id()).notAfter(java.time.Instant.now().plus(Duration.ofDays(1))).maxUses(1);
      for (var a : catalogue) b.algorithm(a.getId(), a.getDigest());
      return b.build();
    };
    SeriesOutcome outcome = pipeline(PipelineListener.SILENT, once).segmentSeries(series.seriesInstanceUid(), dir.resolve("run"));
    assertThat(Files.readString(dir.resolve("run").resolve(RunJournal.FILE_NAME))).doesNotContain("\"STREAMING\"").contains("\"SUBMITTING\"");
    assertThat(segCount()).isEqualTo(1);
    assertThat(taskIds()).containsExactly(outcome.taskId());
  }

  /**
   * Another party holds the enclave's streaming slot (1 with the default 2 workers) with a task
   * over an upload that never arrives: the series still gets its SEG, submitted against its blob.
   */
  @Test
  void whenTheEnclavesStreamingSlotsAreBusyTheSeriesGoesTheClassicWay() throws Exception {
    KemKeyPair other = KemKeyPair.generate(HpkeSuite.X25519);
    GatewaySession holder = GatewaySession.builder(enclave.baseUrl()).policy(Policy.resource("policies/dev.yaml"))
        .checkpointStore(dir.resolve("other/checkpoints")).workDir(dir.resolve("other/work")).site(other).build();
    var attested = holder.attest();
    GatewaySession.OpenUpload held = holder.openUpload(attested, holder.uploadPolicy());
    var algorithm = BridgePipeline.resolveAlgorithm(holder, "ct-body-lungs-bone", null);
    var waiting = holder.submit(attested, new org.secaimed.connector.gateway.TaskSpec("segmentation", algorithm, List.of(held.uploadId()),
        java.util.Map.of(), java.util.Map.of()), other.publicKey(), "holds-the-slot-1");
    try {
      SeriesOutcome outcome = pipeline(PipelineListener.SILENT).segmentSeries(series.seriesInstanceUid(), dir.resolve("run"));
      assertThat(Files.readString(dir.resolve("run").resolve(RunJournal.FILE_NAME))).contains("\"STREAM_ABANDONED\"");
      assertThat(Files.readString(enclave.stateDir().resolve("tasks/" + outcome.taskId() + ".json"))).contains(outcome.blobId())
          .doesNotContain("upl-");
      assertThat(segCount()).isEqualTo(1);
      assertThat(Files.readString(enclave.stateDir().resolve("tasks/" + waiting.taskId() + ".json"))).contains("running");
    } finally {
      holder.client().abortUpload(held.uploadId());
    }
  }

  private BridgePipeline pipeline(PipelineListener listener) throws Exception {
    return pipeline(listener, null);
  }

  private BridgePipeline pipeline(PipelineListener listener, org.secaimed.connector.gateway.UsagePolicies policies) throws Exception {
    GatewaySession.Builder b = GatewaySession.builder(enclave.baseUrl()).policy(Policy.resource("policies/dev.yaml"))
        .pollInterval(Duration.ofMillis(50)).checkpointStore(dir.resolve("site/checkpoints")).workDir(dir.resolve("site/work"))
        .site(site);
    if (policies != null) b.usagePolicies(policies);
    GatewaySession gateway = b.build();
    return BridgePipeline.builder().gateway(gateway).siteKey(site).source(new DirectorySeriesSource(pacs))
        .destination(new DirectorySegDestination(dir.resolve("out")))
        .algorithm(BridgePipeline.resolveAlgorithm(gateway, "ct-body-lungs-bone", null)).listener(listener).build();
  }

  private void awaitState(String taskId, String state) throws Exception {
    Path f = enclave.stateDir().resolve("tasks/" + taskId + ".json");
    for (int i = 0; i < 600 && !Files.readString(f).contains("\"state\" : \"" + state + "\"") && !Files.readString(f).contains("\"state\":\"" + state + "\""); i++) {
      Thread.sleep(50);
    }
  }

  private long segCount() throws IOException {
    if (!Files.isDirectory(dir.resolve("out"))) return 0;
    try (Stream<Path> segs = Files.list(dir.resolve("out"))) {
      return segs.count();
    }
  }

  private List<String> taskIds() throws IOException {
    Path tasks = enclave.stateDir().resolve("tasks");
    if (!Files.isDirectory(tasks)) return List.of();
    try (Stream<Path> s = Files.list(tasks)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("task-") && n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - ".json".length())).toList();
    }
  }
}
