package org.secaimed.connector.gateway;

import org.secaimed.connector.io.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.secaimed.connector.attest.AttestationOutcome;
import org.secaimed.connector.attest.AttestedKeys;
import org.secaimed.connector.attest.EnclaveAttestation;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.gateway.generated.model.AttestationResponse;
import org.secaimed.connector.gateway.generated.model.CompleteRequest;
import org.secaimed.connector.party.PartyKey;
import org.secaimed.connector.party.SignedPolicy;
import org.secaimed.connector.party.UsagePolicy;
import org.secaimed.connector.receipt.InstanceCommitments;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.gateway.generated.model.Blob;
import org.secaimed.connector.gateway.generated.model.Receipt;
import org.secaimed.connector.gateway.generated.model.Task;
import org.secaimed.connector.gateway.generated.model.UploadStatus;
import org.secaimed.connector.receipt.DsseEnvelope;
import org.secaimed.connector.receipt.ExpectedTask;
import org.secaimed.connector.receipt.ReceiptBundle;
import org.secaimed.connector.receipt.ReceiptException;
import org.secaimed.connector.receipt.Receipts;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.seal.KemPublicKey;
import org.secaimed.connector.seal.SealedArchive;
import org.secaimed.connector.seal.SealingOutputStream;
import org.secaimed.connector.tlog.Ed25519;

/**
 * The site's conversation with an enclave gateway, in the only order that is safe:
 * {@link #attest()} → {@link #sealAndUpload} → {@link #submit} → {@link #await} → {@link #fetchVerified}
 * → {@link VerifiedResult#open}. No byte of data is sent before attestation and policy passed
 * (uploading needs an {@link AttestedEnclave}, which only {@code attest()} makes, and only when
 * accepted and still fresh); nothing is opened before the receipt and log proofs verified.
 */
public final class GatewaySession {
  private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled");
  /** How a session compresses studies unless told otherwise: byte planes + zstd level 1 (decision 21). */
  public static final org.secaimed.connector.seal.Compression STUDY_COMPRESSION =
      org.secaimed.connector.seal.Compression.zstdBytePlanes();

  private final GatewayClient client;
  private final Policy policy;
  private final EnclaveAttestation attestation;
  private final Clock clock;
  private final Duration attestationValidity;
  private final int partSize;
  private final org.secaimed.connector.seal.Compression compression;
  private final Duration pollInterval;
  /** The client's read timeout (a long poll waits well inside it). */
  private final Duration callTimeout;
  private final CheckpointStore checkpoints;
  private final Path workDir;
  private final KemKeyPair site;
  private final PartyKey party;
  private final UsagePolicies usagePolicies;
  private volatile List<org.secaimed.connector.gateway.generated.model.Algorithm> catalogue;
  private final SecureRandom random = new SecureRandom();

  private GatewaySession(Builder b) {
    this.client = b.client != null ? b.client : new GatewayClient(b.baseUrl, b.retry, b.callTimeout);
    this.policy = Objects.requireNonNull(b.policy, "policy");
    this.attestation = b.attestation;
    this.clock = b.clock;
    this.attestationValidity = b.attestationValidity;
    this.partSize = b.partSize;
    this.compression = b.compression;
    this.pollInterval = b.pollInterval;
    this.callTimeout = b.callTimeout;
    this.checkpoints = b.checkpoints;
    this.workDir = b.workDir;
    this.site = b.site;
    this.party = b.site == null ? null : PartyKey.derivedFrom(b.site);
    this.usagePolicies = b.usagePolicies != null ? b.usagePolicies : UsagePolicies.ownUse(b.clock);
    SealedArchive.warmUp(); // compiles AES-GCM while attestation's round trips run, before the study is sealed
  }

  public static Builder builder(String baseUrl) {
    return new Builder(baseUrl);
  }

  public GatewayClient client() {
    return client;
  }

  /** Fetches evidence for a fresh nonce and accepts it only if every check passes under the policy. */
  public AttestedEnclave attest() throws GatewayException {
    byte[] nonce = new byte[32];
    random.nextBytes(nonce);
    AttestationResponse response = client.attest(nonce);
    if (response.getEvidence() == null || response.getKeys() == null || response.getKeys().getKem() == null
        || response.getKeys().getSigning() == null) {
      throw new AttestationRefusedException("response", "the gateway's attestation response lacks evidence or keys");
    }
    List<Evidence> evidence = new ArrayList<>();
    for (var e : response.getEvidence()) evidence.add(new Evidence(e.getFormat(), e.getData(), e.getCertificates(), e.getCollateral()));
    var kem = response.getKeys().getKem();
    var signing = response.getKeys().getSigning();
    AttestedKeys keys = new AttestedKeys(kem.getSuite(), kem.getPublicKey(), signing.getAlg(), signing.getPublicKey());
    AttestationOutcome outcome = attestation.attest(evidence, keys, nonce, policy, clock);
    if (!outcome.accepted()) {
      throw new AttestationRefusedException(outcome.failedCheck().map(c -> c.id()).orElse("unknown"), outcome.explain());
    }
    KemPublicKey kemKey;
    PublicKey signingKey;
    try {
      kemKey = KemPublicKey.of(kem.getSuite(), Base64.getEncoder().encodeToString(kem.getPublicKey()));
      if (!"Ed25519".equals(signing.getAlg())) throw new IllegalArgumentException("signing alg " + signing.getAlg() + " is not Ed25519");
      signingKey = Ed25519.publicKey(signing.getPublicKey());
    } catch (IllegalArgumentException e) {
      throw new AttestationRefusedException("keys", "attested keys unusable: " + e.getMessage());
    }
    String measurement = outcome.evidence().size() == 1
        ? (String) outcome.evidence().get(0).claims().getOrDefault("measurement", null) : null;
    // From now on the site's requests are signed for this attested enclave, and only for it.
    if (party != null) client.signer().use(party, Receipts.keyId(signingKey));
    return new AttestedEnclave(outcome, kemKey, signingKey, measurement, outcome.at().plus(attestationValidity));
  }

  /** Writes plaintext into the sealing stream given to {@code writer}; the ciphertext is uploaded as it is produced. */
  @FunctionalInterface
  public interface PlaintextWriter {
    void writeTo(OutputStream plaintext) throws IOException;
  }

  /**
   * Seals what {@code writer} writes to the attested enclave key and uploads it part by part.
   * If the writer fails, the upload is abandoned incomplete (the gateway never gets a blob).
   */
  public UploadedBlob sealAndUpload(AttestedEnclave enclave, PlaintextWriter writer) throws GatewayException, IOException {
    return sealAndUpload(enclave, uploadPolicy(), writer);
  }

  /**
   * The usage policy {@link #sealAndUpload(AttestedEnclave, PlaintextWriter)} would seal under
   * (protocol v2, from this session's {@code UsagePolicies}), or null for a protocol v1 session
   * without site keys. An uploader that records what it sealed takes it from here and passes it on.
   */
  public UsagePolicy uploadPolicy() throws GatewayException {
    return party == null ? null : usagePolicies.forUpload(party, catalogue());
  }

  /**
   * Protocol v2: seals under {@code policy} (owned by this site): the archive is bound to the
   * policy's digest, and the signed completion hands the enclave the owner-signed policy and the
   * blob's instance-commitment key (sealed to the enclave).
   */
  public UploadedBlob sealAndUpload(AttestedEnclave enclave, UsagePolicy policy, PlaintextWriter writer)
      throws GatewayException, IOException {
    requireFresh(enclave);
    if ((policy == null) != (party == null)) {
      throw new IllegalStateException(party == null ? "a usage policy needs the site's keys (Builder.site)" : "protocol v2 uploads need a usage policy");
    }
    UploadStatus st = client.createUpload(null, partSize, newKey("upload"));
    return sealInto(enclave, st.getUploadId(), policy, writer, false);
  }

  /**
   * An upload created for streamed ingest (protocol v2): its owner's signed usage policy is
   * declared at creation, so a task may name {@link OpenUpload#uploadId()} as its input and the
   * enclave reads the study while it arrives. Fill it with {@link #sealAndUpload(AttestedEnclave,
   * OpenUpload, PlaintextWriter)}; until then a task naming it waits (at most the enclave's stall timeout).
   */
  public OpenUpload openUpload(AttestedEnclave enclave, UsagePolicy policy) throws GatewayException {
    requireFresh(enclave);
    if (party == null) throw new IllegalStateException("streamed ingest needs the site's keys (Builder.site)");
    Objects.requireNonNull(policy, "policy");
    SignedPolicy signed = SignedPolicy.sign(policy, party);
    UploadStatus st = client.createUpload(null, partSize, newKey("upload"), wire(signed));
    // The answer is the untrusted gateway's: a new upload has to be open, empty and cut as asked,
    // or the task would read (and spend a use on) parts this site never sent.
    String state = st.getState() == null ? null : st.getState().getValue();
    if (!"open".equals(state) || st.getPartSize() == null || st.getPartSize() != partSize
        || (st.getReceivedParts() != null && !st.getReceivedParts().isEmpty())) {
      throw new GatewayException("the gateway answered the new upload with " + st.getUploadId() + " in state " + state
          + ", part size " + st.getPartSize() + " and " + (st.getReceivedParts() == null ? 0 : st.getReceivedParts().size())
          + " part(s) stored; expected a new, empty, open upload with part size " + partSize);
    }
    return new OpenUpload(st.getUploadId(), policy);
  }

  /** An upload whose usage policy was declared at creation; a task may already read it. */
  public record OpenUpload(String uploadId, UsagePolicy policy) {}

  /**
   * Seals what {@code writer} writes into {@code upload} and completes it. If sealing fails, the
   * upload is abandoned at the gateway as well, so a task reading it fails at once
   * ({@code input-upload-aborted}) instead of waiting for parts that never come.
   */
  public UploadedBlob sealAndUpload(AttestedEnclave enclave, OpenUpload upload, PlaintextWriter writer) throws GatewayException, IOException {
    requireFresh(enclave);
    return sealInto(enclave, upload.uploadId(), upload.policy(), writer, true);
  }

  /** Abandons an open upload (best effort: a task reading it then fails instead of waiting). */
  public void abandon(String uploadId) {
    try {
      client.abortUpload(uploadId);
    } catch (GatewayException | RuntimeException e) {
      // the task then fails when the enclave's stall timeout passes
    }
  }

  private UploadedBlob sealInto(AttestedEnclave enclave, String uploadId, UsagePolicy policy, PlaintextWriter writer, boolean abandonOnFailure)
      throws GatewayException, IOException {
    byte[] binding = policy == null ? Bindings.input(enclave.kemKey().keyId()) : Bindings.input(enclave.kemKey().keyId(), policy.digest());
    PartUploadStream parts = policy == null ? new PartUploadStream(client, uploadId, partSize)
        : new PartUploadStream(client, uploadId, partSize, (id, sha, length) -> completeV2(enclave, policy, id, sha, length));
    SealingOutputStream sealing = SealedArchive.newSealingStream(parts, enclave.kemKey(), binding,
        org.secaimed.connector.seal.SealOptions.defaults().withCompression(compression));
    boolean done = false;
    try {
      try {
        writer.writeTo(sealing);
      } catch (IOException | RuntimeException e) {
        parts.abort();
        closeQuietly(sealing);
        if (e instanceof PartUploadStream.GatewayIOException g) throw g.gateway;
        throw e;
      }
      try {
        sealing.close();
      } catch (PartUploadStream.GatewayIOException g) {
        throw g.gateway;
      }
      done = true;
    } finally {
      if (!done && abandonOnFailure) abandon(uploadId);
    }
    Blob b = parts.blob();
    return new UploadedBlob(b.getBlobId(), b.getLength(), uploadId, parts.partsSent(), policy == null ? null : policy.digest());
  }

  private static org.secaimed.connector.gateway.generated.model.SignedPolicy wire(SignedPolicy signed) {
    return new org.secaimed.connector.gateway.generated.model.SignedPolicy()
        .policy(signed.policy()).ownerKey(signed.ownerKey()).signature(signed.signature());
  }

  private Blob completeV2(AttestedEnclave enclave, UsagePolicy policy, String uploadId, String sha256Hex, long length)
      throws GatewayException {
    SignedPolicy signed = SignedPolicy.sign(policy, party);
    byte[] k = InstanceCommitments.key(site, "sha256:" + sha256Hex);
    byte[] sealedKey;
    try {
      sealedKey = SealedArchive.seal(k, enclave.kemKey(), Bindings.commitmentKey(sha256Hex));
    } catch (IOException e) {
      throw new GatewayException("cannot seal the commitment key: " + e.getMessage(), e);
    } finally {
      java.util.Arrays.fill(k, (byte) 0);
    }
    return client.completeUpload(uploadId, new CompleteRequest().sha256(sha256Hex).length(length)
        .policy(wire(signed))
        .commitmentKey(sealedKey));
  }

  /** The site's party key (protocol v2), if the session was built with the site's keys. */
  public java.util.Optional<PartyKey> party() {
    return java.util.Optional.ofNullable(party);
  }

  /** A model's verified provenance and the evidence that proves it (docs/provenance.md). */
  public record Provenance(org.secaimed.connector.provenance.ProvenanceEvidence evidence,
      org.secaimed.connector.provenance.Lineage lineage) {}

  /**
   * Fetches the provenance of a model this site contributed to and verifies it against the
   * attested key and the site's pinned checkpoint (consistency, then the pin moves forward);
   * {@code ownManifests} (blob id → UID → SHA-256) lets the site check its own instances.
   */
  public Provenance modelProvenance(AttestedEnclave enclave, String modelId, Map<String, Map<String, String>> ownManifests)
      throws GatewayException, IOException, org.secaimed.connector.provenance.ProvenanceException {
    requireFresh(enclave);
    if (party == null) throw new IllegalStateException("reading provenance needs the site's keys (Builder.site)");
    return ModelProvenanceFetch.fetch(client, checkpoints, enclave, party.id(), modelId,
        new org.secaimed.connector.provenance.ModelProvenanceVerifier.Site(party.id(), ownManifests,
            blobId -> InstanceCommitments.key(site, blobId)), clock);
  }

  /** Every task that used this site's input {@code blobId}, verified against the attested key and the pinned checkpoint. */
  public org.secaimed.connector.provenance.InputUses.Verified inputUses(AttestedEnclave enclave, String blobId)
      throws GatewayException, IOException, org.secaimed.connector.provenance.ProvenanceException {
    requireFresh(enclave);
    if (party == null) throw new IllegalStateException("listing an input's uses needs the site's keys (Builder.site)");
    return ModelProvenanceFetch.inputUses(client, checkpoints, enclave, party.id(), blobId);
  }

  /** The owner withdraws consent: no task may use inputs under this policy any more. Returns the log index. */
  public long revoke(AttestedEnclave enclave, String usagePolicyDigest) throws GatewayException {
    requireFresh(enclave);
    if (party == null) throw new IllegalStateException("revoking needs the site's keys (Builder.site)");
    return client.revoke(usagePolicyDigest).getLeafIndex();
  }

  private List<org.secaimed.connector.gateway.generated.model.Algorithm> catalogue() throws GatewayException {
    var c = catalogue;
    if (c == null) catalogue = c = client.algorithms();
    return c;
  }

  /**
   * Uploads an already sealed file (e.g. spooled ciphertext), resuming: a create with the same
   * {@code idempotencyKey} finds the same upload, and only the parts the gateway lacks are sent.
   */
  public UploadedBlob uploadSealedFile(AttestedEnclave enclave, Path sealedFile, String idempotencyKey)
      throws GatewayException, IOException {
    requireFresh(enclave);
    long length = Files.size(sealedFile);
    UploadStatus st = client.createUpload(length, partSize, idempotencyKey);
    if ("complete".equals(st.getState())) {
      Blob b = client.getBlob(st.getBlobId());
      return new UploadedBlob(b.getBlobId(), b.getLength(), st.getUploadId(), 0);
    }
    int stPartSize = st.getPartSize();
    Set<Integer> have = Set.copyOf(st.getReceivedParts());
    int count = (int) ((length + stPartSize - 1) / stPartSize);
    byte[] buf = new byte[stPartSize];
    MessageDigest total = PartUploadStream.sha256();
    int sent = 0;
    try (InputStream in = Files.newInputStream(sealedFile)) {
      for (int i = 0; i < count; i++) {
        int n = in.readNBytes(buf, 0, (int) Math.min(stPartSize, length - (long) i * stPartSize));
        total.update(buf, 0, n);
        if (have.contains(i)) continue;
        MessageDigest part = PartUploadStream.sha256();
        part.update(buf, 0, n);
        client.putPart(st.getUploadId(), i, buf, n, part.digest());
        sent++;
      }
    }
    Blob b = client.completeUpload(st.getUploadId(), HexFormat.of().formatHex(total.digest()), length);
    return new UploadedBlob(b.getBlobId(), b.getLength(), st.getUploadId(), sent);
  }

  /** Submits a task whose result is sealed to {@code recipient}; the same idempotency key never makes two tasks. */
  public SubmittedTask submit(AttestedEnclave enclave, TaskSpec spec, KemPublicKey recipient, String idempotencyKey)
      throws GatewayException {
    return submit(enclave, TaskSubmission.of(enclave, spec, recipient, idempotencyKey));
  }

  /**
   * Sends {@code submission} — possibly again, after a crash, bound to the attestation it was
   * first sent under. {@code enclave} is this session's fresh attestation: nothing is sent without
   * one. The receipt is then held against the submission's attestation context.
   */
  public SubmittedTask submit(AttestedEnclave enclave, TaskSubmission submission) throws GatewayException {
    requireFresh(enclave);
    // Protocol v2 names the purpose the inputs' usage policies must allow (sessions with the site's keys).
    Task t = client.submit(submission.toRequest(party != null), submission.idempotencyKey());
    return new SubmittedTask(t.getTaskId(), submission.spec(), submission.recipient().keyId(), submission.evidenceDigest(),
        submission.policyDigest());
  }

  /** Polls until the task finishes; throws {@link GatewayProblemException} (task-failed / task-cancelled) unless it succeeded. */
  public Task await(SubmittedTask task, Duration timeout, Consumer<Task> progress) throws GatewayException {
    Instant deadline = clock.instant().plus(timeout);
    Task previous = null;
    while (true) {
      // A long poll: the enclave answers when the task changes, so its end costs half a round trip, not a polling interval.
      Duration left = Duration.between(clock.instant(), deadline);
      Task t = client.task(task.taskId(), left.isNegative() ? Duration.ZERO : min(left, longPoll()));
      boolean changed = previous == null || !sameProgress(previous, t);
      previous = t;
      if (progress != null && changed) progress.accept(t);
      String state = t.getState().getValue();
      if ("succeeded".equals(state)) return t;
      if (TERMINAL.contains(state)) {
        var err = t.getError();
        throw new GatewayProblemException("task " + task.taskId(), err == null ? null : err.getType(),
            err == null ? 409 : err.getStatus(), "task " + state, err == null ? null : err.getDetail());
      }
      if (clock.instant().isAfter(deadline)) throw new GatewayException("task " + task.taskId() + " still " + state + " after " + timeout);
      if (changed) continue; // a change answered at once: ask again at once
      try {
        // Unchanged: the long poll timed out, or the enclave answers at once (no long polls): poll as before.
        Thread.sleep(pollInterval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GatewayException("interrupted while waiting for " + task.taskId());
      }
    }
  }

  /** How long one long poll may wait: well inside the call timeout, and at most what an enclave grants (10 s). */
  private Duration longPoll() {
    return min(Duration.ofSeconds(5), callTimeout.dividedBy(2));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static boolean sameProgress(Task a, Task b) {
    return Objects.equals(a.getState(), b.getState()) && Objects.equals(a.getProgress(), b.getProgress())
        && Objects.equals(a.getMessage(), b.getMessage());
  }

  /**
   * Downloads the sealed result and verifies, in order: the receipt's signature under the attested
   * key; that it describes exactly the submitted task and the bytes received; the checkpoint's
   * signature; the receipt's inclusion; consistency with the site's last stored checkpoint. Only
   * then is the new checkpoint stored and the result handed out (still sealed).
   */
  public VerifiedResult fetchVerified(AttestedEnclave enclave, SubmittedTask task) throws GatewayException, IOException {
    Files.createDirectories(workDir);
    Path sealed = Files.createTempFile(workDir, "result-", ".sealed");
    boolean ok = false;
    // The receipt travels beside the result: one round trip fewer to a remote enclave (it is verified below as before).
    Prefetch<Receipt> receiptCall = Prefetch.start(() -> client.receipt(task.taskId()));
    try {
      MessageDigest md = PartUploadStream.sha256();
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(sealed), md)) {
        client.downloadResult(task.taskId(), out);
      }
      String sealedSha = HexFormat.of().formatHex(md.digest());
      Logged logged = verifyLogged(enclave, receiptCall.get(), receipt -> expected(enclave, task, sealedSha).requireMatchedBy(receipt));
      TaskReceipt receipt = logged.receipt();
      ReceiptBundle bundle = logged.bundle();
      ok = true;
      return new VerifiedResult(task.taskId(), receipt, bundle, sealed);
    } finally {
      if (!ok) {
        receiptCall.cancel();
        Files.deleteIfExists(sealed);
      }
    }
  }

  /** How a receipt must match what the caller knows; throws {@link ReceiptException} naming the field. */
  @FunctionalInterface
  private interface ReceiptCheck {
    void check(TaskReceipt receipt) throws ReceiptException;
  }

  private record Logged(TaskReceipt receipt, ReceiptBundle bundle) {}

  /**
   * The receipt's signature under the attested key, the caller's check of its content, the
   * checkpoint's signature, the receipt's inclusion and consistency with the stored checkpoint;
   * only then is the new checkpoint stored.
   */
  private Logged verifyLogged(AttestedEnclave enclave, Receipt r, ReceiptCheck check) throws GatewayException, IOException {
      DsseEnvelope env = toEnvelope(r);
      PublicKey key = enclave.signingKey();
      TaskReceipt receipt;
      try {
        receipt = Receipts.open(env, key);
        check.check(receipt);
      } catch (ReceiptException e) {
        throw new ResultVerificationException("receipt", e.getMessage(), e);
      }
      if (r.getLeafIndex() == null) throw new ResultVerificationException("receipt", "no leaf index", null);
      long leafIndex = r.getLeafIndex();
      LogVerification.Verified log = LogVerification.verify(client, checkpoints, key, env, leafIndex);
      ReceiptBundle bundle = new ReceiptBundle(ReceiptBundle.FORMAT, env, Base64.getEncoder().encodeToString(key.getEncoded()),
          leafIndex, log.note(), log.inclusionHashes(), log.consistency(),
          org.secaimed.connector.receipt.AttestationRecord.of(enclave.outcome()));
      return new Logged(receipt, bundle);
  }

  /**
   * Consortium training (protocol v2): a contributor that did not submit the task verifies its own
   * part of the receipt — its inputs are named with its party id, were allowed under its usage
   * policy and were used within its count, and their commitments match its own manifests — without
   * learning the other contributors' instance UIDs. The receipt is verified and logged like a result's.
   */
  public TaskReceipt verifyContribution(AttestedEnclave enclave, String taskId, Map<String, Map<String, String>> ownManifests)
      throws GatewayException, IOException {
    requireFresh(enclave);
    if (party == null) throw new IllegalStateException("verifying a contribution needs the site's keys (Builder.site)");
    return verifyLogged(enclave, client.receipt(taskId), receipt -> {
      List<String> blobs = receipt.inputs().stream().map(TaskReceipt.Input::blobId).toList();
      for (String own : ownManifests.keySet()) {
        if (!blobs.contains(own)) throw new ReceiptException(ReceiptException.Reason.MISMATCH, "receipt does not name input " + own);
      }
      new ExpectedTask(taskId, receipt.kind(), receipt.algorithm(), blobs, ownManifests, receipt.parameters(), receipt.recipientKeyId(),
          receipt.attestation(), enclave.measurement().orElse(null), null,
          new ExpectedTask.Owner(party.id(), blobId -> InstanceCommitments.key(site, blobId))).requireMatchedBy(receipt);
    }).receipt();
  }

  private ExpectedTask expected(AttestedEnclave enclave, SubmittedTask t, String sealedSha) {
    TaskSpec s = t.spec();
    ExpectedTask.Owner owner = party == null ? null : new ExpectedTask.Owner(party.id(), blobId -> InstanceCommitments.key(site, blobId));
    return new ExpectedTask(t.taskId(), s.kind(), s.algorithm(), s.inputBlobIds(), s.instanceManifests(), s.parameters(),
        t.recipientKeyId(), new TaskReceipt.Attestation(t.evidenceDigest(), t.policyDigest()), enclave.measurement().orElse(null),
        sealedSha, owner);
  }

  private static DsseEnvelope toEnvelope(Receipt r) throws ResultVerificationException {
    var e = r.getEnvelope();
    if (e == null || e.getSignatures() == null) throw new ResultVerificationException("receipt", "no envelope", null);
    return new DsseEnvelope(e.getPayloadType(), e.getPayload(),
        e.getSignatures().stream().map(s -> new DsseEnvelope.Signature(s.getKeyid(), s.getSig())).toList());
  }

  private void requireFresh(AttestedEnclave enclave) throws AttestationRefusedException {
    Objects.requireNonNull(enclave, "attest() first: no data leaves the site before attestation passed");
    if (clock.instant().isAfter(enclave.validUntil())) {
      throw new AttestationRefusedException("session.freshness", "the attestation expired at " + enclave.validUntil() + "; attest again");
    }
  }

  private String newKey(String prefix) {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return prefix + "-" + HexFormat.of().formatHex(b);
  }

  private static void closeQuietly(OutputStream s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // The upload is already abandoned; the gateway never sees a completed blob.
    }
  }

  /** Builder; {@code policy} is required. Defaults: 8 MiB parts, 5 min attestation validity, default retries. */
  public static final class Builder {
    private final String baseUrl;
    private GatewayClient client;
    private Policy policy;
    // The gateway's collateral is only a hint: without the site's own, hardware evidence fails closed.
    private EnclaveAttestation attestation = EnclaveAttestation.site(org.secaimed.connector.attest.collateral.CollateralProvider.none());
    private Clock clock = Clock.systemUTC();
    private Duration attestationValidity = Duration.ofMinutes(5);
    private int partSize = 8 << 20;
    private org.secaimed.connector.seal.Compression compression = STUDY_COMPRESSION;
    private Duration pollInterval = Duration.ofMillis(200);
    private RetryPolicy retry = RetryPolicy.gatewayDefaults();
    private Duration callTimeout = Duration.ofSeconds(60);
    private CheckpointStore checkpoints;
    private Path workDir = Path.of(System.getProperty("java.io.tmpdir"));
    private KemKeyPair site;
    private UsagePolicies usagePolicies;

    private Builder(String baseUrl) {
      this.baseUrl = baseUrl;
    }

    public Builder policy(Policy p) {
      this.policy = p;
      return this;
    }

    public Builder attestation(EnclaveAttestation a) {
      this.attestation = java.util.Objects.requireNonNull(a, "attestation");
      return this;
    }

    /** Verify with the standard verifiers and the site's own collateral (e.g. {@link org.secaimed.connector.attest.collateral.CollateralSettings#provider()}). */
    public Builder siteCollateral(org.secaimed.connector.attest.collateral.CollateralProvider collateral) {
      return attestation(EnclaveAttestation.site(collateral));
    }

    public Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    public Builder attestationValidity(Duration d) {
      this.attestationValidity = d;
      return this;
    }

    public Builder partSize(int bytes) {
      if (bytes < 64 * 1024 || bytes > 64 << 20) throw new IllegalArgumentException("partSize must be 64 KiB..64 MiB");
      this.partSize = bytes;
      return this;
    }

    /**
     * How studies are compressed before sealing (default zstd level 1 after a 16-bit byte-plane
     * shuffle: real CT 2.29x; the
     * enclave decompresses under its expansion bound); {@code Compression.none()} for the old
     * uncompressed archives, {@code .padded()} to hide the compression ratio up to a Padme bucket.
     */
    public Builder compression(org.secaimed.connector.seal.Compression c) {
      this.compression = java.util.Objects.requireNonNull(c, "compression");
      return this;
    }

    public Builder pollInterval(Duration d) {
      this.pollInterval = d;
      return this;
    }

    public Builder retry(RetryPolicy r) {
      this.retry = r;
      return this;
    }

    public Builder callTimeout(Duration d) {
      this.callTimeout = d;
      return this;
    }

    /**
     * The folder of the site's checkpoint store: the last verified checkpoint per log origin;
     * every new one must be consistent with it. Share it between runs (and sessions) so that a
     * fork is caught between them too.
     */
    public Builder checkpointStore(Path dir) {
      this.checkpoints = new CheckpointStore(dir);
      return this;
    }

    public Builder checkpointStore(CheckpointStore store) {
      this.checkpoints = store;
      return this;
    }

    /** Folder for sealed (ciphertext only) result downloads. */
    public Builder workDir(Path dir) {
      this.workDir = dir;
      return this;
    }

    /**
     * Protocol v2: the site's key pair (its KEM key file). Results are sealed to it, its signing
     * key is derived from it, and every upload is sealed with a usage policy it owns.
     */
    public Builder site(KemKeyPair siteKey) {
      this.site = siteKey;
      return this;
    }

    /** Which usage policy each upload is sealed with (default {@link UsagePolicies#ownUse}). */
    public Builder usagePolicies(UsagePolicies p) {
      this.usagePolicies = p;
      return this;
    }

    /** A pre-built client (tests use one with a custom OkHttp client). */
    public Builder client(GatewayClient c) {
      this.client = c;
      return this;
    }

    public GatewaySession build() {
      return new GatewaySession(this);
    }
  }
}
