package org.secaimed.enclave.server.task;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.io.input.CloseShieldInputStream;
import org.secaimed.connector.gateway.Bindings;
import org.secaimed.connector.party.RequestRefusedException;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.seal.SealedArchive;
import org.secaimed.enclave.server.blob.BlobStore;
import org.secaimed.enclave.server.blob.UploadStream;
import org.secaimed.enclave.server.blob.UploadStreamException;
import org.secaimed.enclave.server.usage.InputPolicies;
import org.secaimed.enclave.server.usage.UsageGate;

/**
 * A task's admitted inputs, opened: a stored blob from the blob store, an upload still arriving
 * as its parts land (streamed ingest, docs/gateway-protocol.md). Opening checks the archive header
 * against the input's usage policy first, so a stripped or swapped policy is refused before any
 * key is used. {@link #resolved} then turns each streamed input into the blob it became: read to
 * its end, hashed, equal to what the owner's signed completion names, and stored with the policy
 * it was admitted under; only then may a receipt name it.
 */
final class TaskInputs implements AutoCloseable {
  /** Enough for any archive header (the encapsulated key and binding are length-prefixed, at most 64 KiB each). */
  private static final int HEADER_MARK = 1 << 18;

  private final List<UsageGate.Admitted> admitted;
  private final List<InputStream> opened = new ArrayList<>();
  /** Per input, its upload stream when it arrives while the task runs, else null. */
  private final List<UploadStream> streams = new ArrayList<>();

  private TaskInputs(List<UsageGate.Admitted> admitted) {
    this.admitted = admitted;
  }

  /** Opens every admitted input; {@code onOpened} counts each (the "opened nothing" measure of refusals). */
  static TaskInputs open(List<UsageGate.Admitted> admitted, BlobStore blobs, KemKeyPair kem, Runnable onOpened)
      throws IOException, RequestRefusedException {
    TaskInputs inputs = new TaskInputs(admitted);
    try {
      for (UsageGate.Admitted a : admitted) inputs.openOne(a, blobs, kem, onOpened);
    } catch (IOException | RequestRefusedException | RuntimeException e) {
      inputs.close();
      throw e;
    }
    return inputs;
  }

  private void openOne(UsageGate.Admitted a, BlobStore blobs, KemKeyPair kem, Runnable onOpened) throws IOException, RequestRefusedException {
    String id = a.input().blobId();
    byte[] binding = Bindings.input(kem.publicKey().keyId(), a.input().digest());
    if (!BlobStore.isUploadId(id)) {
      streams.add(null);
      opened.add(SealedArchive.newOpeningStream(Files.newInputStream(blobs.blobPath(id)), kem, binding));
      onOpened.run();
      return;
    }
    UploadStream upload = blobs.openStream(id);
    streams.add(upload);
    BufferedInputStream in = new BufferedInputStream(CloseShieldInputStream.wrap(upload), 1 << 16);
    in.mark(HEADER_MARK);
    if (!SealedArchive.headerNamesBinding(in, binding)) {
      throw new RequestRefusedException(RequestRefusedException.Rule.POLICY_BINDING,
          "input " + id + ": the archive arriving is not bound to the usage policy its owner declared");
    }
    in.reset();
    opened.add(SealedArchive.newOpeningStream(in, kem, binding));
    onOpened.run();
  }

  /** The plaintext streams, in input order. */
  List<InputStream> plaintexts() {
    return opened;
  }

  /** The first failure of an upload read while it arrived, if any: the real reason when a parser above reports another. */
  UploadStreamException streamFailure() {
    for (UploadStream s : streams) if (s != null && s.failure() != null) return s.failure();
    return null;
  }

  /**
   * After the algorithm: each streamed input read to its end (what the algorithm left unread is
   * hashed too), its blob id taken from the owner's completion it matched, and its stored policy
   * loaded (waiting up to {@code wait} for the completion to finish); a blob input stays as it is.
   */
  List<UsageGate.Admitted> resolved(InputPolicies policies, Duration wait) throws IOException, RequestRefusedException {
    List<UsageGate.Admitted> out = new ArrayList<>();
    for (int i = 0; i < admitted.size(); i++) {
      UsageGate.Admitted a = admitted.get(i);
      UploadStream s = streams.get(i);
      if (s == null) {
        out.add(a);
        continue;
      }
      opened.get(i).close(); // stops any read-ahead before this thread reads the upload
      s.transferTo(java.io.OutputStream.nullOutputStream());
      String blobId = s.verifiedBlobId();
      if (blobId == null) throw new UploadStreamException(UploadStreamException.Reason.MISMATCH, "input " + a.input().blobId() + " did not end");
      InputPolicies.Verified v = awaitPolicy(policies, blobId, s, wait);
      if (!v.digest().equals(a.input().digest())) {
        throw new RequestRefusedException(RequestRefusedException.Rule.POLICY_BINDING, "input " + a.input().blobId()
            + " completed as " + blobId + " under another usage policy than the one it was admitted under");
      }
      out.add(new UsageGate.Admitted(v, a.use()));
    }
    return out;
  }

  /**
   * The blob's stored policy once its completion finished. A completion that failed after the
   * reader matched it (assembly, the header check) is withdrawn and the owner abandons the upload:
   * that ends the wait at once, as {@code input-upload-aborted}, not after the stall timeout.
   */
  private static InputPolicies.Verified awaitPolicy(InputPolicies policies, String blobId, UploadStream upload, Duration wait)
      throws IOException, RequestRefusedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      var v = policies.load(blobId);
      if (v.isPresent() && v.get().sealedCommitmentKey() != null) return v.get();
      if (upload.uploadAbandoned()) {
        throw new UploadStreamException(UploadStreamException.Reason.ABORTED,
            "the completion of " + blobId + " failed and its owner abandoned the upload");
      }
      if (System.nanoTime() > deadline) {
        throw new UploadStreamException(UploadStreamException.Reason.STALLED, "the completion of " + blobId + " did not finish");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while waiting for the completion of " + blobId);
      }
    }
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (InputStream in : opened) {
      try {
        in.close();
      } catch (IOException e) {
        if (first == null) first = e;
      }
    }
    for (UploadStream s : streams) if (s != null) s.close();
    if (first != null) throw first;
  }
}
