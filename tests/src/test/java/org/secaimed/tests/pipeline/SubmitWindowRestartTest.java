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
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.gateway.GatewayClient;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.devtools.enclave.DevEnclave;
import org.secaimed.enclave.server.EnclaveServer;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.dicom.pipeline.BridgePipeline;
import org.secaimed.dicom.pipeline.DirectorySegDestination;
import org.secaimed.dicom.pipeline.DirectorySeriesSource;
import org.secaimed.dicom.pipeline.PipelineException;
import org.secaimed.dicom.pipeline.RunJournal;
import org.secaimed.dicom.pipeline.SeriesOutcome;

/**
 * Review M8 / issue #14: the operator stops after the gateway accepted the task but before the
 * journal says so. The restarted run attests afresh (new evidence digest) and must still find the
 * same task — not make a second one, not get {@code 422 idempotency-conflict} and lose the result.
 */
class SubmitWindowRestartTest {

  @Test
  void aRestartBetweenTheGatewayAcceptingASubmitAndTheJournalFindsTheSameTask(@TempDir Path dir) throws Exception {
    Path pacs = Files.createDirectories(dir.resolve("pacs"));
    PhantomSeries series = new PhantomSeries(CtPhantom.builder().size(64, 64, 8).seed(14).build());
    series.writeTo(pacs);
    Path runDir = dir.resolve("run");
    KemKeyPair site = KemKeyPair.generate(HpkeSuite.X25519);

    try (DevEnclave enclave = DevEnclave.start(EnclaveServer.Config.defaults(dir.resolve("enclave")),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      // The gateway makes the task, and the operator dies before it reads the answer: the window
      // between "accepted" and the journal's SUBMITTED. (An interceptor lets the POST through, then fails.)
      int[] taskPosts = {0};
      OkHttpClient dying = new OkHttpClient.Builder().addInterceptor(chain -> {
        Response r = chain.proceed(chain.request());
        if ("POST".equals(chain.request().method()) && chain.request().url().encodedPath().endsWith("/v1/tasks")) {
          taskPosts[0]++;
          r.close();
          throw new IOException("operator killed after the gateway accepted the task");
        }
        return r;
      }).build();
      GatewaySession first = session(enclave.baseUrl(), dir).client(new GatewayClient(enclave.baseUrl(), dying)).site(site).build();
      assertThatThrownBy(() -> pipeline(first, site, pacs, dir).segmentSeries(series.seriesInstanceUid(), runDir))
          .isInstanceOf(PipelineException.class)
          .satisfies(e -> assertThat(((PipelineException) e).step()).isEqualTo(PipelineException.Step.SUBMIT));
      assertThat(taskPosts[0]).isEqualTo(1);
      assertThat(taskIds(enclave)).as("the gateway accepted the task").hasSize(1);
      assertThat(Files.readString(runDir.resolve(RunJournal.FILE_NAME))).doesNotContain("\"SUBMITTED\"");

      // The restarted operator: a new session, a new attestation (new nonce, new evidence digest).
      GatewaySession second = session(enclave.baseUrl(), dir).site(site).build();
      SeriesOutcome outcome = pipeline(second, site, pacs, dir).segmentSeries(series.seriesInstanceUid(), runDir);

      assertThat(taskIds(enclave)).as("the enclave made exactly one task").containsExactly(outcome.taskId());
      assertThat(outcome.resumedSteps()).contains("upload", "submit-resend");
      assertThat(enclave.blobCount()).isEqualTo(1);
      try (Stream<Path> segs = Files.list(dir.resolve("out"))) {
        assertThat(segs.count()).as("one SEG written back").isEqualTo(1);
      }
      assertThat(Files.readString(outcome.recordFile())).contains(outcome.taskId());
    }
  }

  private static GatewaySession.Builder session(String baseUrl, Path dir) throws Exception {
    return GatewaySession.builder(baseUrl).policy(Policy.resource("policies/dev.yaml")).pollInterval(Duration.ofMillis(50))
        .checkpointStore(dir.resolve("site/checkpoints")).workDir(dir.resolve("site/work"));
  }

  private static BridgePipeline pipeline(GatewaySession gateway, KemKeyPair site, Path pacs, Path dir) throws Exception {
    return BridgePipeline.builder()
        .gateway(gateway)
        .siteKey(site)
        .source(new DirectorySeriesSource(pacs))
        .destination(new DirectorySegDestination(dir.resolve("out")))
        .algorithm(BridgePipeline.resolveAlgorithm(gateway, "ct-body-lungs-bone", null))
        // The classic order (upload, then submit): StreamedIngestRestartTest covers the streamed one.
        .streamedIngest(false)
        .build();
  }

  private static java.util.List<String> taskIds(DevEnclave enclave) throws Exception {
    Path tasks = enclave.stateDir().resolve("tasks");
    if (!Files.isDirectory(tasks)) return java.util.List.of();
    try (Stream<Path> s = Files.list(tasks)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("task-") && n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - ".json".length())).toList();
    }
  }
}
