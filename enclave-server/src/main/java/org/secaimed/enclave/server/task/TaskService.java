package org.secaimed.enclave.server.task;

import org.secaimed.connector.io.Digests;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.concurrent.atomic.AtomicLong;
import org.secaimed.connector.gateway.Bindings;
import org.secaimed.connector.party.RequestRefusedException;
import org.secaimed.enclave.server.usage.UsageGate;
import org.secaimed.connector.provider.UsageLicence;
import org.secaimed.enclave.server.provider.LicensedModels;
import org.secaimed.connector.receipt.DsseEnvelope;
import org.secaimed.connector.receipt.ReceiptException;
import org.secaimed.connector.receipt.Receipts;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.seal.KemPublicKey;
import org.secaimed.connector.seal.Compression;
import org.secaimed.connector.seal.SealOptions;
import org.secaimed.connector.seal.SealedArchive;
import org.secaimed.connector.seal.SealingOutputStream;
import org.secaimed.enclave.server.algorithms.AlgorithmException;
import org.secaimed.enclave.server.algorithms.AlgorithmRunner;
import org.secaimed.enclave.server.algorithms.TaskOutcome;
import org.secaimed.enclave.server.attest.EvidenceProvider;
import org.secaimed.enclave.server.blob.BlobStore;
import org.secaimed.enclave.server.blob.UploadStreamException;
import org.secaimed.enclave.server.http.Problem;
import org.secaimed.enclave.server.keys.EnclaveKeys;
import org.secaimed.enclave.server.log.ReceiptLog;
import org.secaimed.enclave.server.state.StateDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tasks: idempotent submission, a bounded worker pool, results sealed to the requester while the
 * algorithm writes them, and a signed receipt appended to the log before the task is reported
 * succeeded. Unfinished tasks are re-run after a restart; a finished one never runs twice.
 */
public final class TaskService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TaskService.class);
  private static final ObjectMapper CANONICAL = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
  private static final List<String> KINDS = List.of("segmentation", "training", "evaluation");

  /** The stored receipt of a task: the signed envelope and its leaf index in the log. */
  public record StoredReceipt(DsseEnvelope envelope, long leafIndex) {}

  private record IdempotencyEntry(String taskId, String requestDigest) {}

  private final TaskFaults faults;
  private final StateDir state;
  private final BlobStore blobs;
  private final EnclaveKeys keys;
  private final EvidenceProvider issuer;
  private final String logPrefix;
  private final ReceiptLog log;
  private final UsageGate gate;
  private final TaskAlgorithms algorithms;
  /** Inputs this enclave has opened (header authenticated and keys derived): refusals must leave it unchanged. */
  private final AtomicLong inputsOpened = new AtomicLong();
  private final Clock clock;
  private final ThreadPoolExecutor pool;
  /** Tasks over uploads still arriving (streamed ingest) never hold every worker. */
  private final StreamingSlots streaming;
  /** What long polls wait on. */
  private final TaskChanges changes = new TaskChanges();
  private final ConcurrentHashMap<String, Running> running = new ConcurrentHashMap<>();

  /** A running task: its worker thread (cancellation interrupts it) and whether cancel was asked. */
  private record Running(Thread thread, AtomicBoolean cancelled) {}
  private final ConcurrentHashMap<String, TaskRecord> live = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  /** Set on shutdown: an interrupted task then stays as it is on disk and is re-run after the restart. */
  private volatile boolean closing;

  public TaskService(StateDir state, BlobStore blobs, EnclaveKeys keys, EvidenceProvider issuer, ReceiptLog log,
      AlgorithmRunner runner, UsageGate gate, LicensedModels licensed, int workers, int queueCapacity, Clock clock, TaskFaults faults) {
    this.gate = gate;
    this.algorithms = new TaskAlgorithms(runner, licensed);
    this.state = state;
    this.faults = faults;
    this.blobs = blobs;
    this.keys = keys;
    this.issuer = issuer;
    this.logPrefix = issuer.logPrefix();
    this.log = log;
    this.clock = clock;
    this.streaming = new StreamingSlots(workers);
    this.pool = new ThreadPoolExecutor(workers, workers, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueCapacity), r -> {
      Thread t = new Thread(r, "enclave-task");
      t.setDaemon(true);
      return t;
    });
  }

  /** GET /v1/algorithms: built-in algorithms, then providers' published models. */
  public List<Map<String, Object>> catalogue() throws IOException {
    return algorithms.catalogue();
  }

  /** Re-queues every task a previous run left unfinished (restart mid-task). */
  public void resumeUnfinished() throws IOException {
    try (Stream<Path> s = Files.list(state.tasks())) {
      for (Path p : s.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        TaskRecord t = state.readJson(p, TaskRecord.class);
        if (t.finished()) continue;
        if (Files.exists(receiptPath(t.taskId())) && Files.exists(resultPath(t.taskId()))) {
          save(t.with("succeeded", 1.0, "done", clock.instant().toString(), null));
        } else if (finishSignedReceipt(t)) {
          LOG.info("{}task {} finished after a restart with the receipt it had signed", logPrefix, t.taskId());
        } else if (startsOf(t.taskId()) >= MAX_STARTS) {
          // Started MAX_STARTS times and never finished: the enclave died under it each time (a poison task).
          save(t.with("failed", null, "failed", clock.instant().toString(), new TaskRecord.Error(Problem.TYPE_PREFIX + "task-failed",
              "Task failed", 422, "started " + MAX_STARTS + " times without finishing; not re-queued again")));
          LOG.warn("{}task {} given up after {} unfinished starts", logPrefix, t.taskId(), MAX_STARTS);
        } else {
          save(t.with("queued", 0.0, "re-queued after a restart", null, null));
          if (t.request().inputs().stream().anyMatch(BlobStore::isUploadId)) streaming.hold(t.taskId());
          enqueue(t.taskId());
        }
      }
    }
  }

  /**
   * A task stopped between signing its receipt and recording it: logs that receipt at most once
   * and finishes the task. False when there is nothing to finish (no result or no signed receipt).
   */
  private boolean finishSignedReceipt(TaskRecord t) throws IOException {
    Path pending = pendingReceiptPath(t.taskId());
    if (!Files.exists(pending) || !Files.exists(resultPath(t.taskId()))) return false;
    DsseEnvelope env = state.readJson(pending, DsseEnvelope.class);
    byte[] leaf;
    try {
      leaf = env.logLeafInput();
    } catch (ReceiptException e) {
      Files.delete(pending); // unreadable, so never logged either: re-run the task
      return false;
    }
    long index = log.indexOf(leaf);
    if (index < 0) index = log.append(leaf);
    finish(t, env, index, clock.instant().toString());
    return true;
  }

  public record Submitted(TaskRecord task, boolean created) {}

  /** How many inputs this enclave has opened since it started (the demo's and tests' "decrypted nothing" measure). */
  public long inputsOpened() {
    return inputsOpened.get();
  }

  /**
   * Creates a task for {@code submitter} (the verified signer) if every input's usage policy
   * allows it; a refusal is a problem naming the rule, and no task exists afterwards.
   */
  public Submitted submit(String idempotencyKey, TaskRecord.Request request, String submitter) throws IOException {
    if (idempotencyKey == null || idempotencyKey.length() < 8 || idempotencyKey.length() > 128) {
      throw Problem.badRequest("Idempotency-Key header of 8..128 characters is required");
    }
    java.util.Optional<UsageLicence> licence = validate(request);
    try {
      gate.check("task-submitting", use(request, submitter));
      // The provider's licence, decided now without logging: a refused task never exists.
      algorithms.checkLicence(licence, submitter, request.kind());
    } catch (RequestRefusedException e) {
      throw Problem.refused(e);
    }
    String requestDigest = Digests.sha256Hex(CANONICAL.writeValueAsBytes(request));
    // Keys are per party: another party reusing a key neither conflicts with nor finds this task.
    Path keyFile = state.idempotency().resolve("task-" + Digests.sha256Hex((submitter + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8)));
    synchronized (this) {
      if (Files.exists(keyFile)) {
        IdempotencyEntry e = state.readJson(keyFile, IdempotencyEntry.class);
        if (!e.requestDigest().equals(requestDigest)) {
          throw new Problem("idempotency-conflict", 422, "Idempotency-Key reused", "the key was used for a different task request");
        }
        return new Submitted(get(e.taskId()), false);
      }
      byte[] id = new byte[16];
      random.nextBytes(id);
      String taskId = "task-" + HexFormat.of().formatHex(id);
      if (stillArriving(request)) streaming.acquire(taskId); // or streaming-busy, before anything is written
      TaskRecord t = new TaskRecord(taskId, "queued", 0.0, "queued", clock.instant().toString(), null, request, null, submitter);
      try {
        save(t);
        state.writeJson(keyFile, new IdempotencyEntry(taskId, requestDigest));
        enqueue(taskId);
      } catch (IOException | RuntimeException notQueued) {
        // A full queue (503) or a failed write: nothing of it stays, so a retry under the same key makes a task that runs.
        streaming.release(taskId);
        Files.deleteIfExists(keyFile);
        Files.deleteIfExists(taskPath(taskId));
        throw notQueued;
      }
      return new Submitted(t, true);
    }
  }

  /** Whether the request names an upload still arriving (one that completed meanwhile is read as its blob: no slot). */
  private boolean stillArriving(TaskRecord.Request request) throws IOException {
    for (String input : request.inputs()) {
      if (BlobStore.isUploadId(input) && input.equals(blobs.resolveInput(input))) return true;
    }
    return false;
  }

  /** Checks the request's form and algorithm; returns the provider licence it falls under, if any. */
  private java.util.Optional<UsageLicence> validate(TaskRecord.Request r) throws IOException {
    if (r == null || r.kind() == null || !KINDS.contains(r.kind())) throw Problem.badRequest("kind must be one of " + KINDS);
    if (r.algorithm() == null || r.algorithm().id() == null || r.algorithm().version() == null || r.algorithm().digest() == null) {
      throw Problem.badRequest("algorithm id, version and digest are required");
    }
    java.util.Optional<UsageLicence> licence = algorithms.validate(r);
    if (r.inputs() == null || r.inputs().isEmpty()) throw Problem.badRequest("inputs must name at least one blob");
    for (String b : r.inputs()) {
      try {
        blobs.resolveInput(b); // a blob, or an upload still arriving (streamed ingest)
      } catch (UploadStreamException e) {
        throw new Problem("upload-aborted", 409, "Upload abandoned", e.getMessage());
      }
    }
    if (r.recipient() == null) throw Problem.badRequest("recipient is required");
    try {
      KemPublicKey.of(r.recipient().suite(), r.recipient().publicKey());
    } catch (RuntimeException e) {
      throw Problem.badRequest("recipient: " + e.getMessage());
    }
    if (r.parameters() != null && r.parameters().size() > 64) throw Problem.badRequest("at most 64 parameters");
    return licence;
  }

  public TaskRecord get(String taskId) throws IOException {
    TaskRecord t = live.get(taskId);
    if (t != null) return t;
    Path p = taskPath(taskId);
    if (!Files.exists(p)) throw Problem.notFound("no task " + taskId);
    return state.readJson(p, TaskRecord.class);
  }

  private static UsageGate.TaskUse use(TaskRecord.Request r, String submitter) {
    Object model = r.parameters() == null ? null : r.parameters().get("model");
    return new UsageGate.TaskUse(submitter, r.purpose(), r.kind(), r.algorithm().id(), r.algorithm().digest(), r.inputs(),
        model == null ? null : model.toString());
  }

  /** The task, if {@code party} submitted it; {@code not-task-owner} otherwise. */
  public TaskRecord get(String taskId, String party) throws IOException {
    TaskRecord t = get(taskId);
    if (!party.equals(t.submitter())) throw notOwner(taskId);
    return t;
  }

  private static Problem notOwner(String taskId) {
    return Problem.refused(new RequestRefusedException(RequestRefusedException.Rule.NOT_TASK_OWNER,
        "task " + taskId + " belongs to another party"));
  }

  public TaskRecord cancel(String taskId, String party) throws IOException {
    synchronized (this) {
      TaskRecord t = get(taskId, party);
      if (t.finished()) return t;
      Running run = running.get(taskId);
      if (run != null) {
        run.cancelled().set(true);
        run.thread().interrupt();
        return t;
      }
      TaskRecord c = t.with("cancelled", t.progress(), "cancelled before it ran", clock.instant().toString(), null);
      save(c);
      streaming.release(taskId); // its slot is free now, not when a worker takes it off the queue
      return c;
    }
  }

  /** The sealed result, once the task succeeded, for its submitter only. */
  public Path result(String taskId, String party) throws IOException {
    get(taskId, party);
    requireSucceeded(taskId);
    return resultPath(taskId);
  }

  /** The receipt, for the submitter and for every owner of an input (each verifies its own part). */
  public StoredReceipt receipt(String taskId, String party) throws IOException {
    TaskRecord t = get(taskId);
    if (!party.equals(t.submitter()) && !isContributor(t, party)) throw notOwner(taskId);
    requireSucceeded(taskId);
    return state.readJson(receiptPath(taskId), StoredReceipt.class);
  }

  private boolean isContributor(TaskRecord t, String party) throws IOException {
    for (String blobId : t.request().inputs()) {
      try {
        var v = gate.policies().load(blobId);
        if (v.isPresent() && v.get().policy().owner().equals(party)) return true;
      } catch (RequestRefusedException e) {
        // an unverifiable policy makes nobody a contributor
      }
    }
    return false;
  }

  private void requireSucceeded(String taskId) throws IOException {
    TaskRecord t = get(taskId);
    switch (t.state()) {
      case "succeeded" -> {}
      case "failed" -> throw new Problem("task-failed", 409, "Task failed", t.error() == null ? taskId : t.error().detail());
      case "cancelled" -> throw new Problem("task-cancelled", 409, "Task cancelled", taskId);
      default -> throw new Problem("result-not-ready", 409, "Result not ready", taskId + " is " + t.state());
    }
  }

  private void enqueue(String taskId) {
    try {
      pool.execute(() -> runSafely(taskId));
    } catch (RejectedExecutionException e) {
      throw new Problem("unavailable", 503, "Task queue full", "retry later");
    }
  }

  private void runSafely(String taskId) {
    AtomicBoolean cancelled = new AtomicBoolean();
    TaskRecord t;
    synchronized (this) {
      try {
        t = get(taskId);
      } catch (IOException | RuntimeException e) {
        LOG.error("{}cannot read task {}", logPrefix, taskId, e);
        streaming.release(taskId);
        return;
      }
      if (t.finished()) {
        streaming.release(taskId); // cancelled while queued
        return;
      }
      running.put(taskId, new Running(Thread.currentThread(), cancelled));
    }
    try {
      run(t, cancelled);
    } catch (Exception | Error thrown) {
      // Errors too: a hostile input that overflows the stack or the heap must end its task as failed,
      // not kill the worker and leave the record "running" (to be re-run after every restart).
      Throwable e = exhaustionBehind(thrown);
      if (closing && !(e instanceof Error)) {
        LOG.info("{}task {} interrupted by shutdown; it will re-run after a restart", logPrefix, taskId);
        return;
      }
      boolean cancel = cancelled.get() || (e instanceof AlgorithmException a && a.reason() == AlgorithmException.Reason.CANCELLED);
      boolean typed = e instanceof AlgorithmException || e instanceof RequestRefusedException || e instanceof Problem
          || e instanceof org.secaimed.connector.seal.SealedArchiveException || e instanceof UploadStreamException;
      // The site reads this detail: a typed failure's message, never a Java class name (the log keeps the trace).
      String detail = e instanceof AlgorithmException || e instanceof RequestRefusedException || e instanceof UploadStreamException
          || e instanceof Problem ? e.getMessage()
          : e instanceof org.secaimed.connector.seal.SealedArchiveException s ? "an input was refused: " + s.getMessage()
          : e instanceof StackOverflowError ? "the task's input exhausted the worker's stack"
          : e instanceof OutOfMemoryError ? "the task's input exhausted the enclave's memory"
          : "an unexpected internal error stopped the task";
      if (!typed && !cancel && !(e instanceof Error)) LOG.error("{}task {}: internal error", logPrefix, taskId, e);
      // A problem raised while running (a blob the store withheld or altered) keeps its type.
      TaskRecord.Error error = e instanceof Problem p
          ? new TaskRecord.Error(p.type(), p.title(), p.status(), p.getMessage())
          : e instanceof RequestRefusedException r
          ? new TaskRecord.Error(Problem.TYPE_PREFIX + r.rule().slug(), "Refused by usage policy", r.rule().status(), detail)
          : e instanceof UploadStreamException u
          ? new TaskRecord.Error(Problem.TYPE_PREFIX + u.reason().type(), "Input upload failed", 422, detail)
          : new TaskRecord.Error(Problem.TYPE_PREFIX + "task-failed", "Task failed", 422, detail);
      LOG.warn("{}task {} {}: {}", logPrefix, taskId, cancel ? "cancelled" : "failed", detail);
      try {
        save(cancel ? t.with("cancelled", null, "cancelled while running", clock.instant().toString(), null)
            : t.with("failed", null, "failed", clock.instant().toString(), error));
      } catch (IOException io) {
        LOG.error("{}cannot record failure of {}", logPrefix, taskId, io);
      }
    } finally {
      running.remove(taskId);
      live.remove(taskId);
      streaming.release(taskId);
      Thread.interrupted();
    }
  }

  /**
   * The memory or stack exhaustion behind {@code e}'s wrappers, else {@code e}: an algorithm's
   * parallel step throws on another thread, and what reaches the worker is a CompletionException
   * (or the like) around it, which would otherwise be reported as an unexpected internal error.
   */
  static Throwable exhaustionBehind(Throwable e) {
    Throwable c = e;
    for (int depth = 0; c != null && depth < 16; depth++, c = c.getCause()) {
      if (c instanceof OutOfMemoryError || c instanceof StackOverflowError) return c;
    }
    return e;
  }

  /** How often a task may start without finishing (restarts in between) before it is failed as a poison task. */
  static final int MAX_STARTS = 3;

  private Path startsPath(String taskId) {
    return state.tasks().resolve(taskId + ".starts");
  }

  private int startsOf(String taskId) throws IOException {
    Path p = startsPath(taskId);
    if (!Files.exists(p)) return 0;
    try {
      return Integer.parseInt(Files.readString(p).trim());
    } catch (NumberFormatException e) {
      return MAX_STARTS;
    }
  }

  private void run(TaskRecord t, AtomicBoolean cancelled) throws Exception {
    Files.writeString(startsPath(t.taskId()), Integer.toString(startsOf(t.taskId()) + 1));
    String started = clock.instant().toString();
    TaskRecord runningRecord = t.with("running", 0.0, "running", null, null);
    save(runningRecord);
    live.put(t.taskId(), runningRecord);
    TaskRecord.Request req = t.request();
    // Decided again now (consent may have been revoked or used up since submission) and each
    // input's use appended to the log, before any input is opened.
    List<UsageGate.Admitted> admitted = gate.admit(t.taskId(), use(req, t.submitter()));
    // A provider's model: its licence-use entry is appended (and in the log) before the model is
    // unwrapped, and the model exists in plaintext only in this task's memory.
    try (TaskAlgorithms.Run run = algorithms.open(t)) {
      execute(t, cancelled, started, req, admitted, run);
    }
  }

  /** Opens the admitted inputs, runs the task's algorithm, seals the result and logs the signed receipt. */
  private void execute(TaskRecord t, AtomicBoolean cancelled, String started, TaskRecord.Request req, List<UsageGate.Admitted> admitted,
      TaskAlgorithms.Run run) throws Exception {
    KemPublicKey recipient = KemPublicKey.of(req.recipient().suite(), req.recipient().publicKey());
    Path tmp = state.newTempFile();
    MessageDigest plainMd = Digests.sha256();
    MessageDigest cipherMd = Digests.sha256();
    OutputStream file = Files.newOutputStream(tmp);
    // After this task's own file-system changes, so none of them waits for the flush; long before
    // the receipt's log append, whose fsync would otherwise write the whole study out (BlobStore).
    for (UsageGate.Admitted a : admitted) {
      if (!BlobStore.isUploadId(a.input().blobId())) blobs.flushInBackground(a.input().blobId());
    }
    TaskOutcome outcome;
    TaskInputs inputs = null;
    try {
      inputs = TaskInputs.open(admitted, blobs, keys.kem(), inputsOpened::incrementAndGet);
      // Inputs decompress by their authenticated header under the default expansion bound; results
      // (label maps, mostly background) are compressed, which shortens the download over a site's link.
      SealingOutputStream sealing = SealedArchive.newSealingStream(new DigestOutputStream(file, cipherMd), recipient,
          Bindings.result(t.taskId()), SealOptions.defaults().withCompression(Compression.zstd()));
      // The runner closes the sink only on success; on failure the sealed file lacks its final chunk and is deleted.
      outcome = run.runner().run(TaskAlgorithms.request(req), inputs.plaintexts(), new DigestOutputStream(sealing, plainMd),
          (step, fraction) -> {
            live.computeIfPresent(t.taskId(), (k, r) -> r.with("running", Math.max(0, Math.min(1, fraction)), step, null, null));
            changes.changed();
          });
      if (cancelled.get()) throw new AlgorithmException(AlgorithmException.Reason.CANCELLED, null, "task cancelled");
      // Inputs read while they arrived become the blobs they are, checked against their owners' completions.
      admitted = inputs.resolved(gate.policies(), blobs.stallTimeout());
      file.close();
      StateDir.moveIntoPlace(tmp, resultPath(t.taskId()));
    } catch (Exception e) {
      // A parser above an upload that stopped arriving reports its own error; the upload's is the reason.
      UploadStreamException upload = inputs == null ? null : inputs.streamFailure();
      if (upload != null && upload != e) throw upload;
      throw e;
    } finally {
      file.close();
      if (inputs != null) inputs.close();
      Files.deleteIfExists(tmp);
    }
    String finished = clock.instant().toString();
    List<TaskReceipt.Input> receiptInputs = ReceiptInputs.of(admitted, outcome, keys.kem());
    List<TaskReceipt.Output> outputs = new ArrayList<>(List.of(
        new TaskReceipt.Output("result.sealed", HexFormat.of().formatHex(cipherMd.digest())),
        new TaskReceipt.Output("result", HexFormat.of().formatHex(plainMd.digest()))));
    if (outcome.model() != null) outputs.add(new TaskReceipt.Output("model:" + outcome.model().id(), outcome.model().digest().substring(7)));
    if (outcome.model() != null && "training".equals(req.kind())) {
      // A newly trained model inherits what every contributor allowed; its policy is named in the receipt.
      var modelPolicy = gate.models().record(outcome.model().id(), outcome.model().digest(), t.taskId(),
          admitted.stream().map(a -> a.input().policy()).toList());
      outputs.add(new TaskReceipt.Output("model-policy:" + outcome.model().id(), modelPolicy.digest()));
    }
    TaskReceipt receipt = new TaskReceipt(t.taskId(), req.kind(),
        new TaskReceipt.Algorithm(outcome.algorithm().id(), outcome.algorithm().version(), outcome.algorithm().digest()),
        receiptInputs,
        req.parameters(),
        issuer.enclave(),
        req.attestation() == null ? null
            : new TaskReceipt.Attestation(req.attestation().evidenceDigest(), req.attestation().policyDigest()),
        recipient.keyId(), started, finished, outputs, run.receiptLicence());
    DsseEnvelope env = Receipts.sign(receipt, keys.signing().getPrivate(), keys.signing().getPublic());
    // Kept until the task is recorded as succeeded, so that a restart after the log append finds
    // the leaf already logged instead of re-running the task and logging a second receipt.
    state.writeJson(pendingReceiptPath(t.taskId()), env);
    long index = log.append(env.logLeafInput());
    faults.afterLogAppend(t.taskId());
    finish(t, env, index, finished);
  }

  private void finish(TaskRecord t, DsseEnvelope env, long leafIndex, String finished) throws IOException {
    state.writeJson(receiptPath(t.taskId()), new StoredReceipt(env, leafIndex));
    save(t.with("succeeded", 1.0, "done", finished, null));
    Files.deleteIfExists(pendingReceiptPath(t.taskId()));
  }

  private void save(TaskRecord t) throws IOException {
    state.writeJson(taskPath(t.taskId()), t);
    if (t.finished()) live.remove(t.taskId());
    changes.changed();
  }

  /**
   * The task, if {@code party} submitted it, once it moved from what it was when asked or finished,
   * or after {@code wait} (a long poll: GET /v1/tasks/{id}?waitMillis; {@link TaskChanges}).
   */
  public TaskRecord await(String taskId, String party, Duration wait) throws IOException {
    return changes.await(get(taskId, party), () -> get(taskId), wait);
  }

  private Path taskPath(String taskId) {
    if (taskId == null || !taskId.matches("task-[0-9a-f]{32}")) throw Problem.badRequest("task id must be task-<32 hex>");
    return state.tasks().resolve(taskId + ".json");
  }

  private Path resultPath(String taskId) {
    return state.results().resolve(taskId + ".sealed");
  }

  private Path receiptPath(String taskId) {
    return state.receipts().resolve(taskId + ".json");
  }

  private Path pendingReceiptPath(String taskId) {
    return state.receipts().resolve(taskId + ".pending.json");
  }

  @Override
  public void close() {
    closing = true;
    pool.shutdownNow();
    try {
      pool.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
