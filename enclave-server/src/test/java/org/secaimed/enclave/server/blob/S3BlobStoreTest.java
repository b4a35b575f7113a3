package org.secaimed.enclave.server.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.io.Digests;
import org.secaimed.enclave.server.http.Problem;
import org.secaimed.enclave.server.state.StateDir;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Sealed blobs on a real S3 server (s3proxy, in memory, 127.0.0.1), as the host outside the TEE
 * would keep them. The bytes here are random stand-ins for sealed archives: the store handles
 * ciphertext only and never opens it.
 */
class S3BlobStoreTest {
  static final int PART = BlobStore.MIN_PART_SIZE;
  static S3Proxy s3;
  static org.jclouds.blobstore.BlobStore host;
  static URI endpoint;
  @TempDir Path tmp;

  @BeforeAll
  static void startS3() throws Exception {
    host = ContextBuilder.newBuilder("transient").credentials("access", "secret").overrides(new Properties())
        .build(BlobStoreContext.class).getBlobStore();
    host.createContainerInLocation(null, "sealed");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    endpoint = URI.create("http://127.0.0.1:" + port);
    s3 = S3Proxy.builder().blobStore(host).endpoint(endpoint).awsAuthentication(AuthenticationType.AWS_V4, "access", "secret").build();
    s3.start();
    while (!s3.getState().equals("STARTED")) Thread.sleep(10);
  }

  @AfterAll
  static void stopS3() throws Exception {
    if (s3 != null) s3.stop();
  }

  S3BlobBackend backend(String prefix) {
    return new S3BlobBackend(endpoint, S3BlobBackend.Location.parse("s3://sealed/" + prefix), AwsCredentialsIdentity.create("access", "secret"),
        "us-east-1");
  }

  BlobStore store(Path state, String prefix) throws Exception {
    return new BlobStore(new StateDir(state), 1L << 30, "enclave: ", backend(prefix));
  }

  static String digestHeader(byte[] part) {
    return "sha-256=:" + Base64.getEncoder().encodeToString(Digests.sha256().digest(part)) + ":";
  }

  /** Uploads {@code blob} in parts, last part first, restarting the store half-way; returns the completed id. */
  String upload(byte[] blob, String prefix) throws Exception {
    Path state = tmp.resolve("vm-a");
    int count = BlobStore.partCount(blob.length, PART);
    String uploadId;
    try (BlobStore first = store(state, prefix)) {
      uploadId = first.create((long) blob.length, PART, null).uploadId();
      for (int i = count - 1; i >= count / 2; i--) put(first, uploadId, blob, i);
    }
    try (BlobStore restarted = store(state, prefix)) {
      assertThat(restarted.status(uploadId).receivedParts()).hasSize(count - count / 2);
      for (int i = count / 2 - 1; i >= 0; i--) put(restarted, uploadId, blob, i);
      String hex = Digests.sha256Hex(blob);
      BlobStore.BlobInfo info = restarted.complete(uploadId, hex, blob.length);
      assertThat(info.length()).isEqualTo(blob.length);
      assertThat(Files.list(state.resolve("blobs")).count()).as("the completed blob leaves the VM's volume").isZero();
      return info.blobId();
    }
  }

  static void put(BlobStore store, String uploadId, byte[] blob, int i) throws Exception {
    byte[] part = Arrays.copyOfRange(blob, i * PART, Math.min(blob.length, (i + 1) * PART));
    store.putPart(uploadId, i, digestHeader(part), new ByteArrayInputStream(part));
  }

  static byte[] random(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }

  @Test
  void partsInAnyOrderResumeAfterRestartAndReadBackFromAnotherVm() throws Exception {
    byte[] blob = random(3 * PART + 1234);
    String blobId = upload(blob, "site-a");
    assertThat(host.blobExists("sealed", "site-a/sha256-" + blobId.substring(7))).isTrue();

    try (BlobStore other = store(tmp.resolve("vm-b"), "site-a")) {
      assertThat(other.blob(blobId).length()).isEqualTo(blob.length);
      assertThat(Files.readAllBytes(other.blobPath(blobId))).isEqualTo(blob);
      assertThat(other.blobCount()).isEqualTo(1);
      assertThatThrownBy(() -> other.blob("sha256:" + "0".repeat(64)))
          .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.slug()).isEqualTo("unknown-blob"));
    }
  }

  /**
   * Streamed ingest with the blobs on S3 (decision 24): a task reads the parts from the VM's volume
   * as they land, and one that starts after the blob left for S3 reads it back from there, verified.
   */
  @Test
  void anUploadIsReadWhileItArrivesAndFromTheBucketOnceItHasGoneThere() throws Exception {
    byte[] blob = random(3 * PART + 99);
    String hex = Digests.sha256Hex(blob);
    try (BlobStore store = store(tmp.resolve("vm-s"), "site-s")) {
      String uploadId = store.create(null, PART, null).uploadId();
      put(store, uploadId, blob, 0);
      UploadStream early = store.openStream(uploadId);
      assertThat(early.readNBytes(PART)).isEqualTo(Arrays.copyOf(blob, PART));
      for (int i = 1; i < 4; i++) put(store, uploadId, blob, i);
      store.complete(uploadId, hex, blob.length);
      assertThat(host.blobExists("sealed", "site-s/sha256-" + hex)).isTrue();
      // The reader that was under way finishes from the parts it was reading.
      assertThat(early.readAllBytes()).isEqualTo(Arrays.copyOfRange(blob, PART, blob.length));
      assertThat(early.verifiedBlobId()).isEqualTo("sha256:" + hex);
      early.close();
      // A reader that starts now finds no parts and reads the blob back from the bucket.
      try (UploadStream late = store.openStream(uploadId)) {
        assertThat(late.readAllBytes()).isEqualTo(blob);
        assertThat(late.verifiedBlobId()).isEqualTo("sha256:" + hex);
      }
    }
  }

  @Test
  void aTamperedObjectIsRefused() throws Exception {
    byte[] blob = random(PART + 17);
    String blobId = upload(blob, "site-t");
    byte[] changed = blob.clone();
    changed[100] ^= 1;
    host.putBlob("sealed", host.blobBuilder("site-t/sha256-" + blobId.substring(7)).payload(changed).build());

    Path vm = tmp.resolve("vm-c");
    try (BlobStore reader = store(vm, "site-t")) {
      assertThatThrownBy(() -> reader.blobPath(blobId))
          .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.slug()).isEqualTo("blob-tampered"))
          .hasMessageContaining(blobId);
      assertThat(Files.list(vm.resolve("blobs")).count()).as("nothing unverified is kept").isZero();
    }
  }

  @Test
  void configurationComesFromTheEnvironmentAndNeverShowsTheSecret() {
    assertThatThrownBy(() -> S3BlobBackend.fromEnvironment("s3://sealed/x", java.util.Map.of()))
        .hasMessageContaining("AWS_ACCESS_KEY_ID");
    S3BlobBackend b = S3BlobBackend.fromEnvironment("s3://sealed/x/", java.util.Map.of("AWS_ACCESS_KEY_ID", "id-1",
        "AWS_SECRET_ACCESS_KEY", "very-secret", "SECAIMED_S3_ENDPOINT", endpoint.toString()));
    assertThat(b.describe()).isEqualTo("s3://sealed/x at " + endpoint).doesNotContain("very-secret").doesNotContain("id-1");
    assertThatThrownBy(() -> S3BlobBackend.Location.parse("https://sealed/x")).hasMessageContaining("s3://bucket/prefix");
  }
}
