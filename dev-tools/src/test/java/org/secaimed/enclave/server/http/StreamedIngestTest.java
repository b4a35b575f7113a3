package org.secaimed.enclave.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.gateway.GatewayProblemException;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.gateway.SubmittedTask;
import org.secaimed.connector.gateway.TaskSpec;
import org.secaimed.connector.gateway.UploadedBlob;
import org.secaimed.connector.gateway.VerifiedResult;
import org.secaimed.connector.gateway.generated.model.Task;
import org.secaimed.connector.party.PartyKey;
import org.secaimed.connector.party.SignedPolicy;
import org.secaimed.connector.party.UsagePolicy;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.devtools.enclave.DevEnclave;
import org.secaimed.enclave.server.EnclaveServer;
import org.secaimed.enclave.server.http.EchoSites.Site;

/**
 * Streamed ingest (issue #16, decision 24) against a real dev enclave over HTTP: a task is
 * admitted against an upload its owner declared a usage policy for, reads the study while the
 * site still seals and sends it, and its receipt names the blob the upload became. An upload
 * that is abandoned or stops arriving fails the task with a typed reason and no result; only the
 * owner declares, completes under or abandons an upload's policy. Before, a task could name only a
 * complete blob (the submit was refused with a bad request).
 */
class StreamedIngestTest {
  private static final TaskReceipt.Algorithm ECHO = new TaskReceipt.Algorithm(EchoDigestRunner.DESCRIPTOR.id(),
      EchoDigestRunner.DESCRIPTOR.version(), EchoDigestRunner.DESCRIPTOR.digest());
  private static final int PART = 256 * 1024;

  @TempDir Path tmp;
  private DevEnclave enclave;

  @BeforeEach
  void start() throws Exception {
    enclave = EchoSites.startEnclave(tmp.resolve("state"));
  }

  @AfterEach
  void stop() {
    if (enclave != null) enclave.close();
  }

  private Site site(String name) throws Exception {
    return EchoSites.site(enclave, tmp, name, PART, null);
  }

  private static UsagePolicy ownUse(Site owner) {
    return UsagePolicy.builder(owner.id()).purposes("own-use").taskKinds("segmentation").algorithm(ECHO.id(), ECHO.digest())
        .submitters(owner.id()).recipients("segmentation", owner.id()).notAfter(Instant.now().plus(Duration.ofDays(1))).maxUses(4).build();
  }

  private static SubmittedTask submit(Site s, String input, String key) throws Exception {
    return s.session().submit(s.enclave(), new TaskSpec("segmentation", ECHO, List.of(input), Map.of(), Map.of(), "own-use"),
        s.keys().publicKey(), key);
  }

  @Test
  void aTaskReadsTheStudyWhileItArrivesAndItsReceiptNamesTheBlob() throws Exception {
    Site a = site("a");
    byte[] study = study(1, 64 * PART);
    GatewaySession.OpenUpload upload = a.session().openUpload(a.enclave(), ownUse(a));
    SubmittedTask task = submit(a, upload.uploadId(), "stream-0001");
    CompletableFuture<UploadedBlob> sent = CompletableFuture.supplyAsync(() -> sealAndUpload(a, upload, out -> {
      out.write(study, 0, study.length / 2);
      out.flush();
      // The enclave opens the input (header authenticated, keys derived) before the study is complete.
      awaitOpened(1);
      out.write(study, study.length / 2, study.length - study.length / 2);
    }));
    UploadedBlob blob = sent.get(60, TimeUnit.SECONDS);
    a.session().await(task, Duration.ofSeconds(60), null);
    SubmittedTask completed = task.withInputs(new TaskSpec("segmentation", ECHO, List.of(blob.blobId()), Map.of(), Map.of(), "own-use"));
    try (VerifiedResult r = a.session().fetchVerified(a.enclave(), completed)) {
      TaskReceipt.Input in = r.receipt().inputs().get(0);
      assertThat(in.blobId()).isEqualTo(blob.blobId());
      assertThat(in.policyDigest()).isEqualTo(upload.policy().digest());
      assertThat(in.useNumber()).isEqualTo(1L);
      assertThat(new String(r.openAll(a.keys()), StandardCharsets.UTF_8)).contains(sha256(study));
    }
    // The receipt is held against the blob: naming the upload instead does not verify.
    assertThatThrownBy(() -> a.session().fetchVerified(a.enclave(), task)).hasMessageContaining("inputs");
    assertThat(enclave.server().inputsOpened()).isEqualTo(1);
  }

  @Test
  void anUploadItsOwnerAbandonsFailsTheTaskWithItsReason() throws Exception {
    Site a = site("a");
    byte[] study = study(2, 64 * PART);
    GatewaySession.OpenUpload upload = a.session().openUpload(a.enclave(), ownUse(a));
    SubmittedTask task = submit(a, upload.uploadId(), "stream-0002");
    assertThatThrownBy(() -> a.session().sealAndUpload(a.enclave(), upload, out -> {
      out.write(study, 0, study.length / 2);
      out.flush();
      awaitOpened(1);
      throw new IOException("instance 7: the series' geometry is inconsistent");
    })).hasMessageContaining("geometry");
    assertTaskFails(a, task, "input-upload-aborted");
    assertThat(a.session().client().getUpload(upload.uploadId()).getState().getValue()).isEqualTo("aborted");
  }

  @Test
  void anAbandonedUploadCannotBeNamedAndATaskAdmittedAfterItsAbandonFailsWithTheReason() throws Exception {
    Site a = site("a");
    // Both workers busy for a while: the streamed task is admitted only after its upload was abandoned.
    UploadedBlob busy = a.session().sealAndUpload(a.enclave(), ownUse(a), out -> out.write(study(5, PART)));
    List<SubmittedTask> ahead = new java.util.ArrayList<>();
    for (String key : List.of("stream-0006a", "stream-0006b")) {
      ahead.add(a.session().submit(a.enclave(), new TaskSpec("segmentation", ECHO, List.of(busy.blobId()),
          Map.of("delayMillis", "700"), Map.of(), "own-use"), a.keys().publicKey(), key));
    }
    GatewaySession.OpenUpload upload = a.session().openUpload(a.enclave(), ownUse(a));
    SubmittedTask task = submit(a, upload.uploadId(), "stream-0007");
    a.session().client().abortUpload(upload.uploadId());
    assertTaskFails(a, task, "input-upload-aborted");
    for (SubmittedTask t : ahead) a.session().await(t, Duration.ofSeconds(30), null);
    assertThatThrownBy(() -> submit(a, upload.uploadId(), "stream-0008")).isInstanceOfSatisfying(GatewayProblemException.class,
        p -> assertThat(p.isType("upload-aborted")).as(p.getMessage()).isTrue());
  }

  /**
   * Anyone may declare a policy over an empty upload and submit against it: such tasks wait for
   * parts on a worker, so they get one worker fewer than the pool (1 of the default 2), a task
   * over a complete blob still runs meanwhile, and a site told {@code streaming-busy} uploads first.
   */
  @Test
  void streamedTasksNeverHoldEveryWorker() throws Exception {
    Site a = site("a");
    Site b = site("b");
    GatewaySession.OpenUpload held = a.session().openUpload(a.enclave(), ownUse(a));
    SubmittedTask waiting = submit(a, held.uploadId(), "stream-0101"); // nothing will arrive
    awaitState(a, waiting, "running");
    GatewaySession.OpenUpload second = b.session().openUpload(b.enclave(), ownUse(b));
    assertThatThrownBy(() -> submit(b, second.uploadId(), "stream-0102")).isInstanceOfSatisfying(GatewayProblemException.class,
        p -> assertThat(p.isType("streaming-busy")).as(p.getMessage()).isTrue()).hasMessageContaining("upload the study first");
    UploadedBlob blob = b.session().sealAndUpload(b.enclave(), ownUse(b), out -> out.write(study(9, PART)));
    b.session().await(submit(b, blob.blobId(), "stream-0103"), Duration.ofSeconds(30), null);
    // The slot is free again once the streamed task ends.
    a.session().client().abortUpload(held.uploadId());
    assertTaskFails(a, waiting, "input-upload-aborted");
    SubmittedTask now = submit(b, second.uploadId(), "stream-0104");
    b.session().client().abortUpload(second.uploadId());
    assertTaskFails(b, now, "input-upload-aborted");
  }

  /** Both workers busy for {@code millis}, over a blob of {@code s}'s. */
  private static void occupyBothWorkers(Site s, int millis, String keyPrefix) throws Exception {
    UploadedBlob busy = s.session().sealAndUpload(s.enclave(), ownUse(s), out -> out.write(study(12, PART)));
    for (int i = 0; i < 2; i++) {
      s.session().submit(s.enclave(), new TaskSpec("segmentation", ECHO, List.of(busy.blobId()), Map.of("delayMillis",
          Integer.toString(millis)), Map.of(), "own-use"), s.keys().publicKey(), keyPrefix + i);
    }
  }

  /** A streamed task cancelled while it waits for a worker gives its slot back at once, not when a worker takes it off the queue. */
  @Test
  void aStreamedTaskCancelledWhileQueuedFreesItsSlotAtOnce() throws Exception {
    Site a = site("a");
    occupyBothWorkers(a, 1500, "busy-workers-");
    GatewaySession.OpenUpload first = a.session().openUpload(a.enclave(), ownUse(a));
    SubmittedTask queued = submit(a, first.uploadId(), "stream-0201");
    a.session().client().cancel(queued.taskId());
    GatewaySession.OpenUpload second = a.session().openUpload(a.enclave(), ownUse(a));
    SubmittedTask next = submit(a, second.uploadId(), "stream-0202"); // refused streaming-busy before the fix
    a.session().client().abortUpload(second.uploadId());
    assertTaskFails(a, next, "input-upload-aborted");
  }

  /**
   * A submit refused because the queue is full leaves nothing behind: no streaming slot held (every
   * later streamed submit was refused busy) and no task under its key (a retry got a task that never ran).
   */
  @Test
  void aSubmitRefusedForAFullQueueLeavesNothingBehind() throws Exception {
    enclave.close();
    enclave = DevEnclave.start(EnclaveServer.Config.defaults(tmp.resolve("state-small-queue")).withRunner(new EchoDigestRunner())
        .withKemSuite(org.secaimed.connector.seal.HpkeSuite.X25519).withQueueCapacity(1),
        new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    Site a = site("a");
    occupyBothWorkers(a, 1200, "full-queue-");
    UploadedBlob waiting = a.session().sealAndUpload(a.enclave(), ownUse(a), out -> out.write(study(13, PART)));
    a.session().submit(a.enclave(), new TaskSpec("segmentation", ECHO, List.of(waiting.blobId()), Map.of(), Map.of(), "own-use"),
        a.keys().publicKey(), "full-queue-q"); // the one queue place
    byte[] study = study(14, 4 * PART);
    GatewaySession.OpenUpload upload = a.session().openUpload(a.enclave(), ownUse(a));
    // Refused 503 while the queue is full; the client's retries then find a place once a worker frees up.
    SubmittedTask task = submit(a, upload.uploadId(), "stream-0301");
    UploadedBlob blob = a.session().sealAndUpload(a.enclave(), upload, out -> out.write(study));
    a.session().await(task, Duration.ofSeconds(30), null);
    assertThat(blob.blobId()).startsWith("sha256:");
  }

  /**
   * An upload's Idempotency-Key is scoped by the signing party (as a task's is): the gateway
   * rewriting a site's create to carry another party's key gets a new upload, not the other party's
   * parts under this site's policy; and an abandoned upload found by a repeated create is not declared.
   */
  @Test
  void anUploadKeyIsThePartysOwn() throws Exception {
    Site a = site("a");
    Site b = site("b");
    var first = a.session().client().createUpload(null, PART, "shared-upload-key-1", wire(SignedPolicy.sign(ownUse(a),
        PartyKey.derivedFrom(a.keys()))));
    a.session().client().putPart(first.getUploadId(), 0, study(11, PART), PART, MessageDigest.getInstance("SHA-256").digest(study(11, PART)));
    var other = b.session().client().createUpload(null, PART, "shared-upload-key-1", wire(SignedPolicy.sign(ownUse(b),
        PartyKey.derivedFrom(b.keys()))));
    assertThat(other.getUploadId()).isNotEqualTo(first.getUploadId());
    assertThat(other.getReceivedParts()).isEmpty();
    // The same party repeating its create finds its upload; once abandoned, nothing is declared on it.
    a.session().client().abortUpload(first.getUploadId());
    assertThatThrownBy(() -> a.session().client().createUpload(null, PART, "shared-upload-key-1", wire(SignedPolicy.sign(ownUse(a),
        PartyKey.derivedFrom(a.keys()))))).isInstanceOfSatisfying(GatewayProblemException.class,
        p -> assertThat(p.isType("upload-aborted")).as(p.getMessage()).isTrue());
    // The site does not take a gateway's word for a new upload: one answered as not open is refused before any task names it.
    okhttp3.OkHttpClient lying = new okhttp3.OkHttpClient.Builder().addInterceptor(chain -> {
      okhttp3.Response r = chain.proceed(chain.request());
      if (!chain.request().method().equals("POST") || !chain.request().url().encodedPath().equals("/v1/blobs")) return r;
      String json = r.body().string().replaceAll("\"state\"\\s*:\\s*\"open\"", "\"state\":\"complete\"");
      return r.newBuilder().body(okhttp3.ResponseBody.create(json, r.body().contentType())).build();
    }).build();
    Site c = EchoSites.site(enclave, tmp, "c", PART, lying);
    assertThatThrownBy(() -> c.session().openUpload(c.enclave(), ownUse(c))).hasMessageContaining("in state complete")
        .hasMessageContaining("expected a new, empty, open upload");
  }

  @Test
  void anUploadThatStopsArrivingFailsTheTaskWhenItStalls() throws Exception {
    enclave.server().uploadStallTimeout(Duration.ofMillis(500));
    Site a = site("a");
    GatewaySession.OpenUpload upload = a.session().openUpload(a.enclave(), ownUse(a));
    SubmittedTask task = submit(a, upload.uploadId(), "stream-0003");
    assertTaskFails(a, task, "input-upload-stalled");
    assertThat(enclave.server().inputsOpened()).as("nothing arrived, so nothing was opened").isZero();
  }

  @Test
  void onlyTheOwnerDeclaresCompletesOrAbandonsAndTheArchiveMustBeBoundToTheDeclaredPolicy() throws Exception {
    Site a = site("a");
    Site b = site("b");
    // b cannot declare a's policy for an upload of its own.
    assertThatThrownBy(() -> b.session().client().createUpload(null, PART, null, wire(SignedPolicy.sign(ownUse(a),
        PartyKey.derivedFrom(a.keys()))))).isInstanceOfSatisfying(GatewayProblemException.class,
        p -> assertThat(p.isType("not-policy-owner")).as(p.getMessage()).isTrue());
    GatewaySession.OpenUpload upload = a.session().openUpload(a.enclave(), ownUse(a));
    assertThatThrownBy(() -> b.session().client().abortUpload(upload.uploadId())).isInstanceOfSatisfying(GatewayProblemException.class,
        p -> assertThat(p.isType("not-policy-owner")).as(p.getMessage()).isTrue());
    // An archive sealed under another policy than the one declared is refused before the task opens it.
    UsagePolicy other = UsagePolicy.builder(a.id()).purposes("own-use").taskKinds("segmentation").algorithm(ECHO.id(), ECHO.digest())
        .submitters(a.id()).recipients("segmentation", a.id()).notAfter(Instant.now().plus(Duration.ofDays(1))).maxUses(2).build();
    SubmittedTask task = submit(a, upload.uploadId(), "stream-0004");
    GatewaySession.OpenUpload swapped = new GatewaySession.OpenUpload(upload.uploadId(), other);
    assertThatThrownBy(() -> a.session().sealAndUpload(a.enclave(), swapped, out -> {
      out.write(study(3, 64 * PART));
      out.flush();
      awaitFailed(a, task); // refused on the header, before the completion below could abandon the upload
    }))
        .isInstanceOfSatisfying(GatewayProblemException.class, p -> assertThat(p.isType("usage-policy-invalid")).as(p.getMessage()).isTrue());
    assertTaskFails(a, task, "usage-policy-binding");
    assertThat(enclave.server().inputsOpened()).isZero();
  }

  @Test
  void aRestartMidTaskAfterTheUploadCompletedDoesNotCountTheUseTwice() throws Exception {
    Site a = site("a");
    byte[] study = study(6, 8 * PART);
    GatewaySession.OpenUpload upload = a.session().openUpload(a.enclave(), ownUse(a));
    SubmittedTask task = a.session().submit(a.enclave(), new TaskSpec("segmentation", ECHO, List.of(upload.uploadId()),
        Map.of("delayMillis", "1500"), Map.of(), "own-use"), a.keys().publicKey(), "stream-0009");
    UploadedBlob blob = a.session().sealAndUpload(a.enclave(), upload, out -> out.write(study));
    awaitState(a, task, "running");
    int port = enclave.port();
    enclave.close(); // the task is re-run after the restart, now against the completed upload
    enclave = EchoSites.startEnclave(tmp.resolve("state"), port);
    a.session().await(task, Duration.ofSeconds(30), null);
    SubmittedTask completed = task.withInputs(new TaskSpec("segmentation", ECHO, List.of(blob.blobId()), Map.of("delayMillis", "1500"),
        Map.of(), "own-use"));
    try (VerifiedResult r = a.session().fetchVerified(a.enclave(), completed)) {
      assertThat(r.receipt().inputs().get(0).useNumber()).isEqualTo(1L);
    }
    assertThat(java.nio.file.Files.size(enclave.stateDir().resolve("log/leaves")))
        .as("one use entry (logged before the first run opened the upload, not again by the re-run) and one receipt").isEqualTo(64);
  }

  @Test
  void aTaskAdmittedAfterTheUploadCompletedReadsTheBlob() throws Exception {
    Site a = site("a");
    byte[] study = study(4, 3 * PART);
    GatewaySession.OpenUpload upload = a.session().openUpload(a.enclave(), ownUse(a));
    UploadedBlob blob = a.session().sealAndUpload(a.enclave(), upload, out -> out.write(study));
    SubmittedTask task = submit(a, upload.uploadId(), "stream-0005");
    a.session().await(task, Duration.ofSeconds(30), null);
    try (VerifiedResult r = a.session().fetchVerified(a.enclave(),
        task.withInputs(new TaskSpec("segmentation", ECHO, List.of(blob.blobId()), Map.of(), Map.of(), "own-use")))) {
      assertThat(r.receipt().inputs().get(0).blobId()).isEqualTo(blob.blobId());
    }
  }

  private void assertTaskFails(Site s, SubmittedTask task, String type) throws Exception {
    assertThatThrownBy(() -> s.session().await(task, Duration.ofSeconds(30), null)).isInstanceOfSatisfying(GatewayProblemException.class,
        p -> assertThat(p.isType(type)).as(p.getMessage()).isTrue());
    Task t = s.session().client().task(task.taskId());
    assertThat(t.getState().getValue()).isEqualTo("failed");
    assertThatThrownBy(() -> s.session().client().receipt(task.taskId())).isInstanceOf(GatewayProblemException.class);
  }

  private static void awaitState(Site s, SubmittedTask task, String state) throws Exception {
    for (int i = 0; i < 500 && !state.equals(s.session().client().task(task.taskId()).getState().getValue()); i++) Thread.sleep(10);
  }

  private static void awaitFailed(Site s, SubmittedTask task) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try {
      while (!"failed".equals(s.session().client().task(task.taskId()).getState().getValue())) {
        if (System.nanoTime() > deadline) throw new IOException("the task did not fail while its upload arrived");
        Thread.sleep(10);
      }
    } catch (org.secaimed.connector.gateway.GatewayException | InterruptedException e) {
      throw new IOException(e);
    }
  }

  private void awaitOpened(long n) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (enclave.server().inputsOpened() < n) {
      if (System.nanoTime() > deadline) throw new IOException("the enclave did not open the input while it arrived");
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        throw new java.io.InterruptedIOException();
      }
    }
  }

  private static UploadedBlob sealAndUpload(Site s, GatewaySession.OpenUpload upload, GatewaySession.PlaintextWriter writer) {
    try {
      return s.session().sealAndUpload(s.enclave(), upload, writer);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static org.secaimed.connector.gateway.generated.model.SignedPolicy wire(SignedPolicy signed) {
    return new org.secaimed.connector.gateway.generated.model.SignedPolicy().policy(signed.policy()).ownerKey(signed.ownerKey())
        .signature(signed.signature());
  }

  private static byte[] study(int seed, int length) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
