package org.secaimed.devenclave.task;

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
import org.secaimed.connector.gateway.Bindings;
import org.secaimed.connector.receipt.DsseEnvelope;
import org.secaimed.connector.receipt.Receipts;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.seal.KemPublicKey;
import org.secaimed.connector.seal.SealedArchive;
import org.secaimed.connector.seal.SealingOutputStream;
import org.secaimed.devenclave.attest.DevEvidenceIssuer;
import org.secaimed.devenclave.blob.BlobStore;
import org.secaimed.devenclave.http.Problem;
import org.secaimed.devenclave.keys.EnclaveKeys;
import org.secaimed.devenclave.log.ReceiptLog;
import org.secaimed.devenclave.state.StateDir;
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

  private final StateDir state;
  private final BlobStore blobs;
  private final EnclaveKeys keys;
  private final DevEvidenceIssuer issuer;
  private final ReceiptLog log;
  private final Map<String, Algorithm> algorithms;
  private final Clock clock;
  private final ThreadPoolExecutor pool;
  private final ConcurrentHashMap<String, AtomicBoolean> running = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, TaskRecord> live = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  public TaskService(StateDir state, BlobStore blobs, EnclaveKeys keys, DevEvidenceIssuer issuer, ReceiptLog log,
      List<Algorithm> algorithms, int workers, int queueCapacity, Clock clock) {
    this.state = state;
    this.blobs = blobs;
    this.keys = keys;
    this.issuer = issuer;
    this.log = log;
    this.clock = clock;
    Map<String, Algorithm> byId = new LinkedHashMap<>();
    for (Algorithm a : algorithms) byId.put(a.info().id(), a);
    this.algorithms = Map.copyOf(byId);
    this.pool = new ThreadPoolExecutor(workers, workers, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueCapacity), r -> {
      Thread t = new Thread(r, "dev-enclave-task");
      t.setDaemon(true);
      return t;
    });
  }

  public List<AlgorithmInfo> catalogue() {
    return algorithms.values().stream().map(Algorithm::info).toList();
  }

  /** Re-queues every task a previous run left unfinished (restart mid-task). */
  public void resumeUnfinished() throws IOException {
    try (Stream<Path> s = Files.list(state.tasks())) {
      for (Path p : s.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        TaskRecord t = state.readJson(p, TaskRecord.class);
        if (t.finished()) continue;
        if (Files.exists(receiptPath(t.taskId())) && Files.exists(resultPath(t.taskId()))) {
          save(t.with("succeeded", 1.0, "done", clock.instant().toString(), null));
        } else {
          save(t.with("queued", 0.0, "re-queued after a restart", null, null));
          enqueue(t.taskId());
        }
      }
    }
  }

  public record Submitted(TaskRecord task, boolean created) {}

  public Submitted submit(String idempotencyKey, TaskRecord.Request request) throws IOException {
    if (idempotencyKey == null || idempotencyKey.length() < 8 || idempotencyKey.length() > 128) {
      throw Problem.badRequest("Idempotency-Key header of 8..128 characters is required");
    }
    validate(request);
    String requestDigest = sha256Hex(CANONICAL.writeValueAsBytes(request));
    Path keyFile = state.idempotency().resolve("task-" + sha256Hex(idempotencyKey.getBytes(StandardCharsets.UTF_8)));
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
      TaskRecord t = new TaskRecord(taskId, "queued", 0.0, "queued", clock.instant().toString(), null, request, null);
      save(t);
      state.writeJson(keyFile, new IdempotencyEntry(taskId, requestDigest));
      enqueue(taskId);
      return new Submitted(t, true);
    }
  }

  private void validate(TaskRecord.Request r) throws IOException {
    if (r == null || r.kind() == null || !KINDS.contains(r.kind())) throw Problem.badRequest("kind must be one of " + KINDS);
    if (r.algorithm() == null || r.algorithm().id() == null) throw Problem.badRequest("algorithm.id is required");
    Algorithm a = algorithms.get(r.algorithm().id());
    if (a == null) throw new Problem("unknown-algorithm", 422, "Unknown algorithm", "no algorithm " + r.algorithm().id());
    AlgorithmInfo info = a.info();
    if (!info.kinds().contains(r.kind())) {
      throw new Problem("unknown-algorithm", 422, "Algorithm does not serve this kind", info.id() + " serves " + info.kinds());
    }
    if (!info.version().equals(r.algorithm().version()) || !info.digest().equals(r.algorithm().digest())) {
      throw new Problem("algorithm-digest-mismatch", 422, "Algorithm version or digest differs",
          info.id() + " here is " + info.version() + " " + info.digest());
    }
    if (r.inputs() == null || r.inputs().isEmpty()) throw Problem.badRequest("inputs must name at least one blob");
    for (String b : r.inputs()) blobs.blob(b);
    if (r.recipient() == null) throw Problem.badRequest("recipient is required");
    try {
      KemPublicKey.of(r.recipient().suite(), r.recipient().publicKey());
    } catch (RuntimeException e) {
      throw Problem.badRequest("recipient: " + e.getMessage());
    }
    if (r.parameters() != null && r.parameters().size() > 64) throw Problem.badRequest("at most 64 parameters");
  }

  public TaskRecord get(String taskId) throws IOException {
    TaskRecord t = live.get(taskId);
    if (t != null) return t;
    Path p = taskPath(taskId);
    if (!Files.exists(p)) throw Problem.notFound("no task " + taskId);
    return state.readJson(p, TaskRecord.class);
  }

  public TaskRecord cancel(String taskId) throws IOException {
    synchronized (this) {
      TaskRecord t = get(taskId);
      if (t.finished()) return t;
      AtomicBoolean flag = running.get(taskId);
      if (flag != null) {
        flag.set(true);
        return t;
      }
      TaskRecord c = t.with("cancelled", t.progress(), "cancelled before it ran", clock.instant().toString(), null);
      save(c);
      return c;
    }
  }

  /** The sealed result, once the task succeeded. */
  public Path result(String taskId) throws IOException {
    requireSucceeded(taskId);
    return resultPath(taskId);
  }

  public StoredReceipt receipt(String taskId) throws IOException {
    requireSucceeded(taskId);
    return state.readJson(receiptPath(taskId), StoredReceipt.class);
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
      } catch (IOException e) {
        LOG.error("INSECURE dev enclave: cannot read task {}", taskId, e);
        return;
      }
      if (t.finished()) return;
      running.put(taskId, cancelled);
    }
    try {
      run(t, cancelled);
    } catch (Exception e) {
      String detail = e instanceof AlgorithmException ? e.getMessage() : e.getClass().getSimpleName() + " while running the task";
      LOG.warn("INSECURE dev enclave: task {} failed: {}", taskId, detail);
      try {
        save(t.with("failed", null, "failed", clock.instant().toString(),
            new TaskRecord.Error(Problem.TYPE_PREFIX + "task-failed", "Task failed", 422, detail)));
      } catch (IOException io) {
        LOG.error("INSECURE dev enclave: cannot record failure of {}", taskId, io);
      }
    } finally {
      running.remove(taskId);
      live.remove(taskId);
    }
  }

  private void run(TaskRecord t, AtomicBoolean cancelled) throws Exception {
    String started = clock.instant().toString();
    TaskRecord runningRecord = t.with("running", 0.0, "running", null, null);
    save(runningRecord);
    live.put(t.taskId(), runningRecord);
    TaskRecord.Request req = t.request();
    Algorithm algorithm = algorithms.get(req.algorithm().id());
    KemPublicKey recipient = KemPublicKey.of(req.recipient().suite(), req.recipient().publicKey());
    Map<String, Map<String, String>> instances = new ConcurrentHashMap<>();
    byte[] inputBinding = Bindings.input(keys.kem().publicKey().keyId());
    List<TaskContext.Input> inputs = new ArrayList<>();
    for (String blobId : req.inputs()) {
      Path blob = blobs.blobPath(blobId);
      inputs.add(new TaskContext.Input() {
        @Override
        public String blobId() {
          return blobId;
        }

        @Override
        public InputStream open() throws IOException {
          return SealedArchive.newOpeningStream(Files.newInputStream(blob), keys.kem(), inputBinding);
        }

        @Override
        public void recordInstances(Map<String, String> sha256ByInstanceUid) {
          instances.put(blobId, Map.copyOf(sha256ByInstanceUid));
        }
      });
    }
    Path tmp = state.newTempFile();
    MessageDigest plainMd = MessageDigest.getInstance("SHA-256");
    MessageDigest cipherMd = MessageDigest.getInstance("SHA-256");
    try {
      try (OutputStream file = Files.newOutputStream(tmp);
          SealingOutputStream sealing = SealedArchive.newSealingStream(new DigestOutputStream(file, cipherMd), recipient,
              Bindings.result(t.taskId()));
          OutputStream plain = new DigestOutputStream(sealing, plainMd)) {
        algorithm.run(new Context(t.taskId(), req, inputs, plain, cancelled));
      }
      if (cancelled.get()) {
        save(t.with("cancelled", null, "cancelled while running", clock.instant().toString(), null));
        return;
      }
      StateDir.moveIntoPlace(tmp, resultPath(t.taskId()));
    } finally {
      Files.deleteIfExists(tmp);
    }
    String finished = clock.instant().toString();
    TaskReceipt receipt = new TaskReceipt(t.taskId(), req.kind(),
        new TaskReceipt.Algorithm(req.algorithm().id(), req.algorithm().version(), req.algorithm().digest()),
        req.inputs().stream().map(b -> new TaskReceipt.Input(b, instances.get(b))).toList(),
        req.parameters(),
        new TaskReceipt.Enclave(DevEvidenceIssuer.PLATFORM, issuer.measurement(), true),
        req.attestation() == null ? null
            : new TaskReceipt.Attestation(req.attestation().evidenceDigest(), req.attestation().policyDigest()),
        recipient.keyId(), started, finished,
        List.of(new TaskReceipt.Output("result.sealed", HexFormat.of().formatHex(cipherMd.digest())),
            new TaskReceipt.Output("result", HexFormat.of().formatHex(plainMd.digest()))));
    DsseEnvelope env = Receipts.sign(receipt, keys.signing().getPrivate(), keys.signing().getPublic());
    long index = log.append(env.logLeafInput());
    state.writeJson(receiptPath(t.taskId()), new StoredReceipt(env, index));
    save(t.with("succeeded", 1.0, "done", finished, null));
  }

  private final class Context implements TaskContext {
    private final String taskId;
    private final TaskRecord.Request request;
    private final List<Input> inputs;
    private final OutputStream result;
    private final AtomicBoolean cancelled;

    Context(String taskId, TaskRecord.Request request, List<Input> inputs, OutputStream result, AtomicBoolean cancelled) {
      this.taskId = taskId;
      this.request = request;
      this.inputs = List.copyOf(inputs);
      this.result = result;
      this.cancelled = cancelled;
    }

    @Override
    public String taskId() {
      return taskId;
    }

    @Override
    public String kind() {
      return request.kind();
    }

    @Override
    public Map<String, String> parameters() {
      return request.parameters() == null ? Map.of() : request.parameters();
    }

    @Override
    public List<Input> inputs() {
      return inputs;
    }

    @Override
    public OutputStream result() {
      return result;
    }

    @Override
    public void progress(double fraction) {
      live.computeIfPresent(taskId, (k, t) -> t.with("running", Math.max(0, Math.min(1, fraction)), "running", null, null));
    }

    @Override
    public boolean cancelled() {
      return cancelled.get();
    }
  }

  private void save(TaskRecord t) throws IOException {
    state.writeJson(taskPath(t.taskId()), t);
    if (t.finished()) live.remove(t.taskId());
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

  private static String sha256Hex(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
