package org.secaimed.enclave.server.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.io.Digests;
import org.secaimed.enclave.server.state.StateDir;

/**
 * Streamed ingest's reader (issue #16, decision 24): an upload read in order while its parts
 * land, ended by the owner's completion, checked against the SHA-256 it names, and failed with a
 * typed reason when the upload is abandoned, stalls or does not add up.
 */
class UploadStreamTest {
  private static final int PART = BlobStore.MIN_PART_SIZE;
  @TempDir Path tmp;
  private BlobStore store;
  private final byte[] blob = new byte[3 * PART + 1234];

  @BeforeEach
  void open() throws Exception {
    new Random(7).nextBytes(blob);
    store = new BlobStore(new StateDir(tmp.resolve("state")), 1L << 30, "enclave: ");
    store.stallTimeout(Duration.ofSeconds(20));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void readsPartsAsTheyLandAndEndsAtTheOwnersCompletion() throws Exception {
    String id = store.create(null, PART, null).uploadId();
    UploadStream in = store.openStream(id);
    CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> readAll(in));
    for (int i = 0; i < 4; i++) {
      put(id, i);
      Thread.sleep(30);
      // Nothing ends the stream before the owner's completion names the length.
      assertThat(read).isNotDone();
    }
    BlobStore.BlobInfo info = store.complete(id, sha256Hex(blob), blob.length);
    assertThat(read.get(20, TimeUnit.SECONDS)).isEqualTo(blob);
    assertThat(in.verifiedBlobId()).isEqualTo(info.blobId());
    // The parts stay while a reader has the upload open, and go when it closes.
    assertThat(parts(id)).isNotEmpty();
    in.close();
    assertThat(parts(id)).isEmpty();
  }

  @Test
  void partsAReaderHeldWhenTheEnclaveStoppedAreDroppedAtTheNextStart() throws Exception {
    String done = store.create(null, PART, null).uploadId();
    for (int i = 0; i < 4; i++) put(done, i);
    String open = store.create(null, PART, null).uploadId();
    put(open, 0);
    store.openStream(done); // a task reading it when the enclave stops: never closed
    store.complete(done, sha256Hex(blob), blob.length);
    assertThat(parts(done)).hasSize(4);
    BlobStore restarted = new BlobStore(new StateDir(tmp.resolve("state")), 1L << 30, "enclave: ");
    restarted.dropPartsOfEndedUploads();
    assertThat(parts(done)).isEmpty();
    assertThat(parts(open)).as("an open upload resumes with its parts").hasSize(1);
    restarted.close();
  }

  @Test
  void readsWhatWasAssembledMeanwhileFromTheBlob() throws Exception {
    String id = store.create(null, PART, null).uploadId();
    for (int i = 0; i < 4; i++) put(id, i);
    store.complete(id, sha256Hex(blob), blob.length);
    assertThat(parts(id)).isEmpty();
    try (UploadStream in = store.openStream(id)) {
      assertThat(in.readAllBytes()).isEqualTo(blob);
      assertThat(in.verifiedBlobId()).isEqualTo("sha256:" + sha256Hex(blob));
    }
  }

  @Test
  void anAbandonedUploadEndsTheReaderWithItsReason() throws Exception {
    String id = store.create(null, PART, null).uploadId();
    put(id, 0);
    UploadStream in = store.openStream(id);
    CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> readAll(in));
    Thread.sleep(50);
    store.abort(id);
    assertThatThrownBy(() -> read.get(20, TimeUnit.SECONDS)).hasRootCauseInstanceOf(UploadStreamException.class)
        .rootCause().satisfies(e -> assertThat(((UploadStreamException) e).reason()).isEqualTo(UploadStreamException.Reason.ABORTED));
    assertThat(store.status(id).state()).isEqualTo("aborted");
    // An abandoned upload can never complete, and a later reader fails at once.
    assertThatThrownBy(() -> store.complete(id, sha256Hex(blob), blob.length)).hasMessageContaining("abandoned");
    assertThatThrownBy(() -> store.openStream(id)).isInstanceOf(UploadStreamException.class);
    // A sender still sending parts learns it at once, not only at its completion.
    assertThatThrownBy(() -> put(id, 1)).hasMessageContaining("abandoned");
  }

  /** The usual abandonment after the last part: the completion failed, the owner abandons; the reader waits at the short part. */
  @Test
  void anUploadAbandonedAfterItsShortLastPartEndsTheReaderAtOnce() throws Exception {
    String id = store.create(null, PART, null).uploadId();
    for (int i = 0; i < 4; i++) put(id, i);
    UploadStream in = store.openStream(id);
    CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> readAll(in));
    Thread.sleep(100); // the reader has read three parts and waits for the completion that ends the short one
    assertThat(read).isNotDone();
    store.abort(id);
    assertThatThrownBy(() -> read.get(5, TimeUnit.SECONDS)).hasRootCauseInstanceOf(UploadStreamException.class)
        .rootCause().satisfies(e -> assertThat(((UploadStreamException) e).reason()).isEqualTo(UploadStreamException.Reason.ABORTED));
    in.close();
  }

  @Test
  void anAbandonedUploadIsNotReadOnFromThePartsStillStored() throws Exception {
    String id = store.create(null, PART, null).uploadId();
    for (int i = 0; i < 4; i++) put(id, i);
    try (UploadStream in = store.openStream(id)) {
      assertThat(in.readNBytes(PART)).isEqualTo(Arrays.copyOf(blob, PART));
      store.abort(id); // the parts stay while this reader has the upload open
      assertThat(parts(id)).isNotEmpty();
      assertThatThrownBy(in::read).isInstanceOfSatisfying(UploadStreamException.class,
          e -> assertThat(e.reason()).isEqualTo(UploadStreamException.Reason.ABORTED));
      assertThat(in.uploadAbandoned()).isTrue();
    }
  }

  /** A read-ahead stopped by an interrupt must not break the part for the thread that reads on. */
  @Test
  void anInterruptedReaderLeavesThePartReadableForTheNext() throws Exception {
    String id2 = store.create(null, PART, null).uploadId();
    for (int i = 0; i < 4; i++) put(id2, i);
    try (UploadStream in = store.openStream(id2)) {
      byte[] first = in.readNBytes(10);
      CompletableFuture<byte[]> interrupted = new CompletableFuture<>();
      Thread t = new Thread(() -> {
        Thread.currentThread().interrupt();
        try {
          interrupted.complete(in.readNBytes(10));
        } catch (Exception e) {
          interrupted.completeExceptionally(e);
        }
      });
      t.start();
      t.join();
      ByteArrayOutputStream rest = new ByteArrayOutputStream();
      rest.write(first);
      rest.write(interrupted.get());
      store.claimCompletion(id2, new BlobStore.Completion(sha256Hex(blob), blob.length));
      in.transferTo(rest);
      assertThat(rest.toByteArray()).isEqualTo(blob);
      assertThat(in.verifiedBlobId()).isEqualTo("sha256:" + sha256Hex(blob));
    }
  }

  @Test
  void anUploadThatStopsArrivingStallsTheReader() throws Exception {
    store.stallTimeout(Duration.ofMillis(300));
    String id = store.create(null, PART, null).uploadId();
    put(id, 0);
    try (UploadStream in = store.openStream(id)) {
      assertThat(in.readNBytes(PART)).isEqualTo(Arrays.copyOf(blob, PART));
      assertThatThrownBy(in::read).isInstanceOfSatisfying(UploadStreamException.class,
          e -> assertThat(e.reason()).isEqualTo(UploadStreamException.Reason.STALLED)).hasMessageContaining("part 1");
      // The failure sticks: a parser above that retries gets the same reason.
      assertThat(in.failure().reason()).isEqualTo(UploadStreamException.Reason.STALLED);
    }
  }

  @Test
  void bytesThatDoNotHashToTheClaimedDigestAreRefused() throws Exception {
    String id = store.create(null, PART, null).uploadId();
    for (int i = 0; i < 4; i++) put(id, i);
    try (UploadStream in = store.openStream(id)) {
      byte[] first = in.readNBytes(PART);
      // The owner's claim names other bytes (here: a different last byte); the reader checks it itself.
      byte[] other = blob.clone();
      other[other.length - 1] ^= 1;
      store.claimCompletion(id, new BlobStore.Completion(sha256Hex(other), blob.length));
      assertThat(first).hasSize(PART);
      assertThatThrownBy(in::readAllBytes).isInstanceOfSatisfying(UploadStreamException.class,
          e -> assertThat(e.reason()).isEqualTo(UploadStreamException.Reason.MISMATCH));
      assertThat(in.verifiedBlobId()).isNull();
    }
  }

  @Test
  void aClaimedLengthThatCutsAPartIsRefused() throws Exception {
    String id = store.create(null, PART, null).uploadId();
    for (int i = 0; i < 4; i++) put(id, i);
    store.claimCompletion(id, new BlobStore.Completion(sha256Hex(Arrays.copyOf(blob, PART + 10)), PART + 10));
    try (UploadStream in = store.openStream(id)) {
      assertThatThrownBy(in::readAllBytes).isInstanceOfSatisfying(UploadStreamException.class,
          e -> assertThat(e.reason()).isEqualTo(UploadStreamException.Reason.MISMATCH)).hasMessageContaining("part 1");
    }
  }

  private void put(String id, int i) throws Exception {
    byte[] part = Arrays.copyOfRange(blob, i * PART, Math.min(blob.length, (i + 1) * PART));
    String digest = "sha-256=:" + Base64.getEncoder().encodeToString(Digests.sha256().digest(part)) + ":";
    store.putPart(id, i, digest, new ByteArrayInputStream(part));
  }

  private java.util.List<Path> parts(String id) throws Exception {
    try (var s = Files.list(tmp.resolve("state/uploads/" + id))) {
      return s.filter(p -> p.getFileName().toString().startsWith("part-")).toList();
    }
  }

  private static byte[] readAll(InputStream in) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String sha256Hex(byte[] b) {
    return HexFormat.of().formatHex(Digests.sha256().digest(b));
  }
}
