package org.secaimed.enclave.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.enclave.server.EnclaveServer;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.gateway.AttestationRefusedException;
import org.secaimed.connector.gateway.AttestedEnclave;
import org.secaimed.connector.gateway.GatewayProblemException;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.io.RetryPolicy;
import org.secaimed.connector.gateway.SubmittedTask;
import org.secaimed.connector.gateway.TaskSpec;
import org.secaimed.connector.gateway.UploadedBlob;
import org.secaimed.connector.gateway.VerifiedResult;
import org.secaimed.connector.receipt.ReceiptVerifier;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.seal.SealedArchive;
import org.secaimed.devtools.enclave.DevEnclave;
import org.secaimed.enclave.server.task.TaskFaults;

/** The gateway protocol between GatewaySession and a real dev enclave on loopback (algorithm: a test double). */
class GatewayProtocolTest {
  private static final int PART = 64 * 1024;
  private static final TaskReceipt.Algorithm ECHO = new TaskReceipt.Algorithm(EchoDigestRunner.DESCRIPTOR.id(),
      EchoDigestRunner.DESCRIPTOR.version(), EchoDigestRunner.DESCRIPTOR.digest());

  @TempDir Path tmp;
  private DevEnclave enclave;
  private final KemKeyPair site = KemKeyPair.generate(HpkeSuite.X25519);
  private final ByteArrayOutputStream banner = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws Exception {
    enclave = startEnclave(0);
  }

  @AfterEach
  void stop() {
    if (enclave != null) enclave.close();
  }

  private DevEnclave startEnclave(int port) throws IOException {
    return startEnclave(EnclaveServer.Config.defaults(tmp.resolve("state")).withPort(port));
  }

  private DevEnclave startEnclave(EnclaveServer.Config config) throws IOException {
    return DevEnclave.start(config.withRunner(new EchoDigestRunner()).withKemSuite(HpkeSuite.X25519),
        new PrintStream(banner, true, StandardCharsets.UTF_8));
  }

  private GatewaySession session(String policy) throws Exception {
    return GatewaySession.builder(enclave.baseUrl()).policy(Policy.resource(policy)).partSize(PART)
        .pollInterval(Duration.ofMillis(50)).checkpointStore(tmp.resolve("site/checkpoints")).workDir(tmp.resolve("site/work"))
        .retry(new RetryPolicy(40, Duration.ofMillis(50), Duration.ofMillis(500))).site(site).build();
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private TaskSpec spec(UploadedBlob blob, Map<String, String> params, String plainSha) {
    return new TaskSpec("segmentation", ECHO, List.of(blob.blobId()), params,
        plainSha == null ? Map.of() : Map.of(blob.blobId(), Map.of("1.2.826.0.1.1", plainSha)));
  }

  @Test
  void attestUploadSubmitAwaitVerifyOpen() throws Exception {
    assertThat(banner.toString(StandardCharsets.UTF_8).lines()).isNotEmpty().allMatch(l -> l.contains("INSECURE"));
    GatewaySession s = session("policies/dev.yaml");
    AttestedEnclave e = s.attest();
    assertThat(e.insecure()).isTrue();
    assertThat(e.measurement()).contains(enclave.measurement());
    byte[] study = random(700_000, 1);
    UploadedBlob blob = s.sealAndUpload(e, out -> out.write(study));
    assertThat(blob.partsSent()).isGreaterThan(10);
    SubmittedTask task = s.submit(e, spec(blob, Map.of(), sha256(study)), site.publicKey(), "key-first-task");
    s.await(task, Duration.ofSeconds(30), null);
    try (VerifiedResult r = s.fetchVerified(e, task)) {
      String json = new String(r.openAll(site), StandardCharsets.UTF_8);
      assertThat(json).isEqualTo("[{\"sha256\":\"" + sha256(study) + "\",\"length\":700000}]");
      assertThat(r.receipt().enclave().insecure()).isTrue();
      assertThat(ReceiptVerifier.verify(r.bundle(), null).receipt().taskId()).isEqualTo(task.taskId());
      assertThat(r.bundle().consistency()).isNull();
    }
    // A second task: its checkpoint must now be proven consistent with the one stored after the first.
    SubmittedTask second = s.submit(e, spec(blob, Map.of(), null), site.publicKey(), "key-second-task");
    s.await(second, Duration.ofSeconds(30), null);
    try (VerifiedResult r = s.fetchVerified(e, second)) {
      assertThat(r.bundle().consistency()).isNotNull();
      assertThat(ReceiptVerifier.verify(r.bundle(), r.bundle().consistency().fromCheckpoint()).consistencyChecked()).isTrue();
    }
  }

  @Test
  void productionPolicyRefusesBeforeAnyByteIsUploaded() throws Exception {
    GatewaySession s = session("policies/production-example.yaml");
    assertThatThrownBy(s::attest).isInstanceOf(AttestationRefusedException.class).hasMessageContaining("REJECTED");
    assertThat(enclave.blobCount()).isZero();
    try (Stream<Path> uploads = Files.list(enclave.stateDir().resolve("uploads"))) {
      assertThat(uploads).isEmpty();
    }
  }

  @Test
  void theSameIdempotencyKeyNeverMakesTwoTasks() throws Exception {
    GatewaySession s = session("policies/dev.yaml");
    AttestedEnclave e = s.attest();
    UploadedBlob blob = s.sealAndUpload(e, out -> out.write(random(1000, 2)));
    SubmittedTask a = s.submit(e, spec(blob, Map.of(), null), site.publicKey(), "same-key-123");
    SubmittedTask b = s.submit(e, spec(blob, Map.of(), null), site.publicKey(), "same-key-123");
    assertThat(b.taskId()).isEqualTo(a.taskId());
    assertThatThrownBy(() -> s.submit(e, spec(blob, Map.of("delayMillis", "1"), null), site.publicKey(), "same-key-123"))
        .isInstanceOfSatisfying(GatewayProblemException.class, p -> assertThat(p.isType("idempotency-conflict")).isTrue());
  }

  @Test
  void aResumedUploadSendsOnlyTheMissingParts() throws Exception {
    GatewaySession s = session("policies/dev.yaml");
    AttestedEnclave e = s.attest();
    byte[] sealed = SealedArchive.seal(random(300_000, 3), e.kemKey(), org.secaimed.connector.gateway.Bindings.input(e.kemKey().keyId()));
    Path file = tmp.resolve("sealed.bin");
    Files.write(file, sealed);
    int parts = (sealed.length + PART - 1) / PART;
    // A first attempt got parts 0 and 2 across, then the client died.
    var st = s.client().createUpload((long) sealed.length, PART, "upload-key-resume");
    for (int i : new int[] {2, 0}) {
      byte[] p = java.util.Arrays.copyOfRange(sealed, i * PART, Math.min(sealed.length, (i + 1) * PART));
      s.client().putPart(st.getUploadId(), i, p, p.length, MessageDigest.getInstance("SHA-256").digest(p));
    }
    UploadedBlob blob = s.uploadSealedFile(e, file, "upload-key-resume");
    assertThat(blob.uploadId()).isEqualTo(st.getUploadId());
    assertThat(blob.partsSent()).isEqualTo(parts - 2);
    assertThat(blob.blobId()).isEqualTo("sha256:" + sha256(sealed));
  }

  @Test
  void survivesADevEnclaveRestartMidUploadAndMidTask() throws Exception {
    GatewaySession s = session("policies/dev.yaml");
    AttestedEnclave e = s.attest();
    int port = enclave.port();
    byte[] study = random(600_000, 4);
    UploadedBlob blob = s.sealAndUpload(e, out -> {
      out.write(study, 0, 300_000);
      restartInBackground(port, 300);
      out.write(study, 300_000, 300_000);
    });
    SubmittedTask task = s.submit(e, spec(blob, Map.of("delayMillis", "1500"), sha256(study)), site.publicKey(), "restart-task-1");
    waitForState(s, task, "running");
    enclave.close();
    enclave = startEnclave(port);
    s.await(task, Duration.ofSeconds(30), null);
    try (VerifiedResult r = s.fetchVerified(e, task)) {
      assertThat(new String(r.openAll(site), StandardCharsets.UTF_8)).contains(sha256(study));
    }
    try (Stream<Path> results = Files.list(enclave.stateDir().resolve("results"))) {
      assertThat(results).hasSize(1);
    }
    assertThat(Files.size(enclave.stateDir().resolve("log/leaves"))).as("one use entry (logged before opening, not again by the re-run) and one receipt").isEqualTo(64);
  }

  @Test
  void aStopAfterTheLogAppendFinishesOnRestartWithTheSameSingleReceipt() throws Exception {
    int port = enclave.port();
    enclave.close();
    java.util.concurrent.CountDownLatch appended = new java.util.concurrent.CountDownLatch(1);
    enclave = startEnclave(EnclaveServer.Config.defaults(tmp.resolve("state")).withPort(port).withFaults(new TaskFaults() {
      @Override
      public void afterLogAppend(String taskId) throws InterruptedException {
        appended.countDown();
        Thread.sleep(Long.MAX_VALUE); // "crashes" here: the enclave is stopped before anything else is written
      }
    }));
    GatewaySession s = session("policies/dev.yaml");
    AttestedEnclave e = s.attest();
    byte[] study = random(200_000, 8);
    UploadedBlob blob = s.sealAndUpload(e, out -> out.write(study));
    SubmittedTask task = s.submit(e, spec(blob, Map.of(), sha256(study)), site.publicKey(), "crash-after-append-1");
    assertThat(appended.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    Path leaves = enclave.stateDir().resolve("log/leaves");
    assertThat(Files.size(leaves)).as("the input's use entry and the receipt").isEqualTo(64);
    assertThat(s.client().task(task.taskId()).getState().getValue()).isEqualTo("running");
    enclave.close();

    enclave = startEnclave(port);
    s.await(task, Duration.ofSeconds(30), null);
    try (VerifiedResult r = s.fetchVerified(e, task)) { // receipt signature, inclusion and consistency all checked
      assertThat(new String(r.openAll(site), StandardCharsets.UTF_8)).contains(sha256(study));
    }
    assertThat(Files.size(leaves)).as("the receipt is logged once, not again by a re-run").isEqualTo(64);
    try (Stream<Path> receipts = Files.list(enclave.stateDir().resolve("receipts"))) {
      assertThat(receipts.map(p -> p.getFileName().toString())).containsExactly(task.taskId() + ".json");
    }
  }

  private void restartInBackground(int port, long downMillis) {
    DevEnclave old = enclave;
    old.close();
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(downMillis);
        enclave = startEnclave(port);
      } catch (Exception ex) {
        throw new IllegalStateException(ex);
      }
    });
    t.start();
  }

  private static void waitForState(GatewaySession s, SubmittedTask task, String state) throws Exception {
    for (int i = 0; i < 200; i++) {
      if (s.client().task(task.taskId()).getState().getValue().equals(state)) return;
      Thread.sleep(20);
    }
    throw new AssertionError("task never reached " + state);
  }

  @Test
  void cancelAndFailureEndTheTaskWithoutAResult() throws Exception {
    GatewaySession s = session("policies/dev.yaml");
    AttestedEnclave e = s.attest();
    UploadedBlob blob = s.sealAndUpload(e, out -> out.write(random(1000, 5)));
    SubmittedTask slow = s.submit(e, spec(blob, Map.of("delayMillis", "20000"), null), site.publicKey(), "cancel-me-1");
    waitForState(s, slow, "running");
    s.client().cancel(slow.taskId());
    assertThatThrownBy(() -> s.await(slow, Duration.ofSeconds(10), null)).hasMessageContaining("cancelled");
    assertThatThrownBy(() -> s.fetchVerified(e, slow))
        .isInstanceOfSatisfying(GatewayProblemException.class, p -> assertThat(p.isType("task-cancelled")).isTrue());
    SubmittedTask bad = s.submit(e, spec(blob, Map.of("fail", "true"), null), site.publicKey(), "fail-me-12");
    assertThatThrownBy(() -> s.await(bad, Duration.ofSeconds(10), null))
        .isInstanceOfSatisfying(GatewayProblemException.class, p -> assertThat(p.isType("task-failed")).isTrue())
        .hasMessageContaining("asked to fail");
    // Memory or stack exhausted on another thread of the task (wrapped, as a parallel step throws it)
    // still ends it with its plain reason, not as an internal error.
    for (String[] exhausted : new String[][] {{"memory", "the task's input exhausted the enclave's memory"},
        {"stack", "the task's input exhausted the worker's stack"}}) {
      SubmittedTask t = s.submit(e, spec(blob, Map.of("exhaust", exhausted[0]), null), site.publicKey(), "exhaust-" + exhausted[0] + "-1");
      assertThatThrownBy(() -> s.await(t, Duration.ofSeconds(10), null))
          .isInstanceOfSatisfying(GatewayProblemException.class, p -> assertThat(p.isType("task-failed")).isTrue())
          .hasMessageContaining(exhausted[1]);
    }
  }

  @Test
  void badRequestsGetStableProblemTypes() throws Exception {
    GatewaySession s = session("policies/dev.yaml");
    AttestedEnclave e = s.attest();
    var st = s.client().createUpload(null, PART, null);
    byte[] part = random(PART, 6);
    assertThatThrownBy(() -> s.client().putPart(st.getUploadId(), 0, part, part.length, new byte[32]))
        .isInstanceOfSatisfying(GatewayProblemException.class, p -> assertThat(p.isType("upload-part-digest")).isTrue());
    s.client().putPart(st.getUploadId(), 1, part, part.length, MessageDigest.getInstance("SHA-256").digest(part));
    assertThatThrownBy(() -> s.client().completeUpload(st.getUploadId(), "00".repeat(32), 2L * PART))
        .isInstanceOfSatisfying(GatewayProblemException.class, p -> assertThat(p.isType("upload-incomplete")).isTrue())
        .hasMessageContaining("[0]");
    UploadedBlob blob = s.sealAndUpload(e, out -> out.write(1));
    TaskSpec unknown = new TaskSpec("segmentation", new TaskReceipt.Algorithm("nope", "1", "sha256:" + "00".repeat(32)),
        List.of(blob.blobId()), Map.of(), Map.of());
    assertThatThrownBy(() -> s.submit(e, unknown, site.publicKey(), "unknown-alg-1"))
        .isInstanceOfSatisfying(GatewayProblemException.class, p -> assertThat(p.isType("unknown-algorithm")).isTrue());
    TaskSpec wrongDigest = new TaskSpec("segmentation", new TaskReceipt.Algorithm(ECHO.id(), ECHO.version(), "sha256:" + "11".repeat(32)),
        List.of(blob.blobId()), Map.of(), Map.of());
    assertThatThrownBy(() -> s.submit(e, wrongDigest, site.publicKey(), "wrong-digest-1"))
        .isInstanceOfSatisfying(GatewayProblemException.class, p -> assertThat(p.isType("algorithm-digest-mismatch")).isTrue());
  }

  @Test
  void studiesTravelCompressedAndADecompressionBombEndsItsTaskWithATypedRefusal() throws Exception {
    GatewaySession s = session("policies/dev.yaml");
    AttestedEnclave e = s.attest();
    // 1.25 GiB of zeros seal to a few tens of kilobytes: past the enclave's bound of 1 GiB + 256 x compressed.
    byte[] zeros = new byte[1 << 20];
    UploadedBlob bomb = s.sealAndUpload(e, out -> {
      for (int i = 0; i < 1280; i++) out.write(zeros);
    });
    assertThat(bomb.length()).isLessThan(1 << 20);
    SubmittedTask task = s.submit(e, spec(bomb, Map.of(), null), site.publicKey(), "bomb-task-1");
    assertThatThrownBy(() -> s.await(task, Duration.ofSeconds(60), null))
        .isInstanceOfSatisfying(GatewayProblemException.class, p -> assertThat(p.isType("task-failed")).isTrue())
        .hasMessageContaining("DECOMPRESSED_TOO_LARGE").hasMessageContaining("decompression bomb")
        .hasMessageNotContaining("Exception");
  }

  @Test
  void aWriterThatFailsLeavesNoBlob() throws Exception {
    GatewaySession s = session("policies/dev.yaml");
    AttestedEnclave e = s.attest();
    assertThatThrownBy(() -> s.sealAndUpload(e, out -> {
      out.write(random(200_000, 7));
      throw new IOException("DICOM source broke");
    })).hasMessageContaining("DICOM source broke");
    assertThat(enclave.blobCount()).isZero();
  }

}
