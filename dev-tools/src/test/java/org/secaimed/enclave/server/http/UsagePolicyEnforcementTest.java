package org.secaimed.enclave.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.gateway.GatewayClient;
import org.secaimed.connector.gateway.GatewayProblemException;
import org.secaimed.connector.gateway.SubmittedTask;
import org.secaimed.connector.gateway.TaskSpec;
import org.secaimed.connector.gateway.UploadedBlob;
import org.secaimed.connector.gateway.VerifiedResult;
import org.secaimed.connector.party.PartyKey;
import org.secaimed.connector.party.SignedPolicy;
import org.secaimed.connector.party.UsagePolicy;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.devtools.enclave.DevEnclave;
import org.secaimed.enclave.server.http.EchoSites.Site;

/**
 * Security review C1 and issue #14, end to end against a real dev enclave: every way of using a
 * site's sealed input that its owner's usage policy does not allow is refused by the enclave with
 * a problem naming the rule, and the enclave opens no input (its counter of opened inputs stays).
 * Under protocol v1 every one of these tasks was accepted and computed.
 */
class UsagePolicyEnforcementTest {
  private static final TaskReceipt.Algorithm ECHO = new TaskReceipt.Algorithm(EchoDigestRunner.DESCRIPTOR.id(),
      EchoDigestRunner.DESCRIPTOR.version(), EchoDigestRunner.DESCRIPTOR.digest());
  private static final MediaType JSON = MediaType.get("application/json");

  @TempDir Path tmp;
  private DevEnclave enclave;
  /** Every request the sessions sent, as signed (recorded below the signer). */
  private final List<Request> sent = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    enclave = EchoSites.startEnclave(tmp.resolve("state"));
  }

  @AfterEach
  void stop() {
    if (enclave != null) enclave.close();
  }

  private Site site(String name) throws Exception {
    OkHttpClient http = new OkHttpClient.Builder().addNetworkInterceptor(chain -> {
      synchronized (sent) {
        sent.add(chain.request());
      }
      return chain.proceed(chain.request());
    }).build();
    return EchoSites.site(enclave, tmp, name, 64 * 1024, http);
  }

  private static UsagePolicy.Builder ownUse(Site owner) {
    return UsagePolicy.builder(owner.id()).purposes("own-use").taskKinds("segmentation").algorithm(ECHO.id(), ECHO.digest())
        .submitters(owner.id()).recipients("segmentation", owner.id()).notAfter(Instant.now().plus(Duration.ofDays(1))).maxUses(4);
  }

  private static UploadedBlob upload(Site s, UsagePolicy policy, byte[] study) throws Exception {
    return s.session().sealAndUpload(s.enclave(), policy, out -> out.write(study));
  }

  private static SubmittedTask submit(Site s, UploadedBlob blob, String purpose, String key) throws Exception {
    return s.session().submit(s.enclave(), new TaskSpec("segmentation", ECHO, List.of(blob.blobId()), Map.of(), Map.of(), purpose),
        s.keys().publicKey(), key);
  }

  private void assertRefused(ThrowingCall call, String rule) {
    long opened = enclave.server().inputsOpened();
    assertThatThrownBy(call::run).isInstanceOfSatisfying(GatewayProblemException.class,
        p -> assertThat(p.isType(rule)).as("problem type %s", p.getMessage()).isTrue());
    assertThat(enclave.server().inputsOpened()).as("inputs opened").isEqualTo(opened);
  }

  @FunctionalInterface
  private interface ThrowingCall {
    void run() throws Exception;
  }

  private static byte[] study(int seed) {
    byte[] b = new byte[100_000];
    new java.util.Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void aLegitimateSecondSiteWithItsOwnValidKeysCannotUseSiteAsBlob() throws Exception {
    Site a = site("a");
    Site b = site("b");
    UploadedBlob blob = upload(a, ownUse(a).build(), study(1));
    assertRefused(() -> submit(b, blob, "own-use", "b-steals-1"), "submitter-not-allowed");
    // Even a policy that lets b submit does not let b receive a's segmentation.
    UploadedBlob shared = upload(a, ownUse(a).submitters(b.id()).build(), study(2));
    assertRefused(() -> submit(b, shared, "own-use", "b-steals-2"), "recipient-not-allowed");
    // b cannot re-upload a's ciphertext under a policy of its own: the archive is bound to a's policy.
    byte[] stolen = Files.readAllBytes(enclave.stateDir().resolve("blobs/sha256-" + blob.blobId().substring(7)));
    assertRefused(() -> reupload(b, stolen, ownUse(b).build()), "usage-policy-binding");
    assertThat(enclave.server().inputsOpened()).isZero();
  }

  /** What the gateway operator could do with a stolen ciphertext: upload it again under a policy of its own. */
  private static void reupload(Site thief, byte[] sealed, UsagePolicy policy) throws Exception {
    GatewayClient c = thief.session().client();
    String uploadId = c.createUpload((long) sealed.length, 64 * 1024, null).getUploadId();
    for (int i = 0, n = 0; i < sealed.length; i += 64 * 1024, n++) {
      byte[] part = java.util.Arrays.copyOfRange(sealed, i, Math.min(sealed.length, i + 64 * 1024));
      c.putPart(uploadId, n, part, part.length, MessageDigest.getInstance("SHA-256").digest(part));
    }
    SignedPolicy signed = SignedPolicy.sign(policy, PartyKey.derivedFrom(thief.keys()));
    c.completeUpload(uploadId, new org.secaimed.connector.gateway.generated.model.CompleteRequest().sha256(sha256(sealed))
        .length((long) sealed.length).commitmentKey(new byte[64])
        .policy(new org.secaimed.connector.gateway.generated.model.SignedPolicy().policy(signed.policy()).ownerKey(signed.ownerKey())
            .signature(signed.signature())));
  }

  @Test
  void anOutsiderReplayingSiteAsSignedRequestIsRefused() throws Exception {
    Site a = site("a");
    UploadedBlob blob = upload(a, ownUse(a).build(), study(3));
    SubmittedTask mine = submit(a, blob, "own-use", "a-task-0001");
    a.session().await(mine, Duration.ofSeconds(30), null);
    Request captured;
    synchronized (sent) {
      captured = sent.stream().filter(r -> r.method().equals("POST") && r.url().encodedPath().equals("/v1/tasks")).findFirst().orElseThrow();
    }
    Buffer body = new Buffer();
    captured.body().writeTo(body);
    String original = body.readUtf8();
    OkHttpClient outsider = new OkHttpClient();
    long opened = enclave.server().inputsOpened();
    try (Response r = outsider.newCall(captured.newBuilder().post(RequestBody.create(original, JSON)).build()).execute()) {
      assertThat(r.code()).isEqualTo(401);
      assertThat(r.body().string()).contains("replayed-request");
    }
    KemKeyPair outsiderKey = KemKeyPair.generate(HpkeSuite.X25519);
    String redirected = original.replaceFirst("\"publicKey\":\"[^\"]+\"", "\"publicKey\":\""
        + java.util.Base64.getEncoder().encodeToString(outsiderKey.publicKey().encoded()) + "\"");
    assertThat(redirected).isNotEqualTo(original);
    try (Response r = outsider.newCall(captured.newBuilder().header("Idempotency-Key", "outsider-0001")
        .post(RequestBody.create(redirected, JSON)).build()).execute()) {
      assertThat(r.code()).isEqualTo(401);
      assertThat(r.body().string()).contains("bad-request-signature");
    }
    try (Response r = outsider.newCall(new Request.Builder().url(enclave.baseUrl() + "/v1/tasks").header("Idempotency-Key", "outsider-0002")
        .post(RequestBody.create(redirected, JSON)).build()).execute()) {
      assertThat(r.code()).isEqualTo(401);
      assertThat(r.body().string()).contains("unsigned-request");
    }
    assertThat(enclave.server().inputsOpened()).isEqualTo(opened);
  }

  @Test
  void purposeExpiryAndUseCountAreEnforcedFromThePolicyAndTheLog() throws Exception {
    Site a = site("a");
    UploadedBlob blob = upload(a, ownUse(a).build(), study(4));
    assertRefused(() -> submit(a, blob, "marketing", "a-purpose-1"), "purpose-not-allowed");

    UploadedBlob expired = upload(a, ownUse(a).notAfter(Instant.now().minusSeconds(60)).build(), study(5));
    assertRefused(() -> submit(a, expired, "own-use", "a-expired-1"), "policy-expired");

    UploadedBlob once = upload(a, ownUse(a).maxUses(1).build(), study(6));
    SubmittedTask first = submit(a, once, "own-use", "a-once-1");
    a.session().await(first, Duration.ofSeconds(30), null);
    try (VerifiedResult r = a.session().fetchVerified(a.enclave(), first)) {
      TaskReceipt.Input in = r.receipt().inputs().get(0);
      assertThat(in.useNumber()).isEqualTo(1L);
      assertThat(in.maxUses()).isEqualTo(1);
      assertThat(in.policyDigest()).isEqualTo(once.usagePolicyDigest());
      assertThat(in.instances()).as("no instance UIDs in a v2 receipt").isEmpty();
    }
    assertRefused(() -> submit(a, once, "own-use", "a-once-2"), "max-uses-exceeded");
  }

  @Test
  void aRevokedConsentRefusesLaterTasksAndOnlyTheOwnerRevokes() throws Exception {
    Site a = site("a");
    Site b = site("b");
    UploadedBlob blob = upload(a, ownUse(a).build(), study(7));
    assertRefused(() -> b.session().revoke(b.enclave(), blob.usagePolicyDigest()), "not-policy-owner");
    a.session().revoke(a.enclave(), blob.usagePolicyDigest());
    assertRefused(() -> submit(a, blob, "own-use", "a-revoked-1"), "consent-revoked");
  }

  @Test
  void anotherPartyCannotReadOrCancelASitesTask() throws Exception {
    Site a = site("a");
    Site b = site("b");
    UploadedBlob blob = upload(a, ownUse(a).build(), study(8));
    SubmittedTask task = submit(a, blob, "own-use", "a-task-0002");
    a.session().await(task, Duration.ofSeconds(30), null);
    assertRefused(() -> b.session().client().task(task.taskId()), "not-task-owner");
    assertRefused(() -> b.session().client().receipt(task.taskId()), "not-task-owner");
    assertRefused(() -> b.session().client().cancel(task.taskId()), "not-task-owner");
    assertRefused(() -> b.session().client().downloadResult(task.taskId(), java.io.OutputStream.nullOutputStream()), "not-task-owner");
  }

  @Test
  void aMalformedModelIdIsATypedRefusalNotAnInternalError() throws Exception {
    Site a = site("a");
    UploadedBlob blob = upload(a, ownUse(a).build(), study(9));
    // A model id that could never name a stored model (here a path) is refused by the rule, not answered 500.
    assertRefused(() -> a.session().submit(a.enclave(), new TaskSpec("segmentation", ECHO, List.of(blob.blobId()),
        Map.of("model", "../policies/x"), Map.of(), "own-use"), a.keys().publicKey(), "a-badmodel-1"), "model-use-not-allowed");
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
