package org.secaimed.enclave.server;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.SealedArchive;
import org.secaimed.enclave.server.attest.EvidenceProvider;
import org.secaimed.enclave.server.blob.BlobStore;
import org.secaimed.enclave.server.blob.SealedBlobBackend;
import org.secaimed.enclave.server.http.GatewayRoutes;
import org.secaimed.enclave.server.http.ProviderRoutes;
import org.secaimed.enclave.server.provider.LicenceLedger;
import org.secaimed.enclave.server.provider.LicensedModels;
import org.secaimed.enclave.server.provider.ProviderModelStore;
import org.secaimed.enclave.server.http.ProvenanceRoutes;
import org.secaimed.enclave.server.provenance.ModelProvenanceService;
import org.secaimed.enclave.server.keys.EnclaveKeys;
import org.secaimed.enclave.server.log.ReceiptLog;
import org.secaimed.enclave.server.state.StateDir;
import org.secaimed.enclave.server.algorithms.AlgorithmRunner;
import org.secaimed.enclave.server.algorithms.EnclaveAlgorithms;
import org.secaimed.enclave.server.task.TaskFaults;
import org.secaimed.enclave.server.task.TaskService;
import org.secaimed.connector.party.SignedRequests;
import org.secaimed.connector.receipt.Receipts;
import org.secaimed.enclave.server.usage.InputPolicies;
import org.secaimed.enclave.server.usage.ModelPolicies;
import org.secaimed.enclave.server.usage.PersistentNonceLedger;
import org.secaimed.enclave.server.usage.UsageGate;
import org.secaimed.enclave.server.usage.UsageLedger;

/**
 * The enclave server: the gateway API v1 over keys, a blob store, a task runner with real
 * algorithms and the transparency log, with state in a folder (survives restarts) and evidence
 * from the configured {@link EvidenceProvider}. In a confidential VM the provider is the TEE; the
 * development tooling starts it with the INSECURE software provider, which a production policy
 * rejects. Start with {@link #start(Config)}; {@link #close()} stops it.
 */
public final class EnclaveServer implements AutoCloseable {

  /**
   * How to run: bind address, port (0 = any free), state folder, pool size, evidence. {@code runner}
   * null means the built-in algorithms with trained models kept in {@code <state>/models}. There is
   * no default evidence provider: the server refuses to start without one.
   */
  public record Config(String host, int port, Path stateDir, AlgorithmRunner runner, int workers, int queueCapacity,
      long maxBlobBytes, HpkeSuite kemSuite, Clock clock, TaskFaults faults, EvidenceProvider evidence,
      SealedBlobBackend blobBackend) {
    public static Config defaults(Path stateDir) {
      return new Config("127.0.0.1", 0, stateDir, null, 2, 64, 16L << 30, HpkeSuite.DEFAULT, Clock.systemUTC(), TaskFaults.NONE, null, null);
    }

    public Config withRunner(AlgorithmRunner r) {
      return new Config(host, port, stateDir, r, workers, queueCapacity, maxBlobBytes, kemSuite, clock, faults, evidence, blobBackend);
    }

    public Config withHost(String h) {
      return new Config(h, port, stateDir, runner, workers, queueCapacity, maxBlobBytes, kemSuite, clock, faults, evidence, blobBackend);
    }

    public Config withPort(int p) {
      return new Config(host, p, stateDir, runner, workers, queueCapacity, maxBlobBytes, kemSuite, clock, faults, evidence, blobBackend);
    }

    public Config withKemSuite(HpkeSuite s) {
      return new Config(host, port, stateDir, runner, workers, queueCapacity, maxBlobBytes, s, clock, faults, evidence, blobBackend);
    }

    public Config withWorkers(int w) {
      return new Config(host, port, stateDir, runner, w, queueCapacity, maxBlobBytes, kemSuite, clock, faults, evidence, blobBackend);
    }

    /** How many tasks may wait for a worker; more are refused with 503 until one starts. */
    public Config withQueueCapacity(int q) {
      return new Config(host, port, stateDir, runner, workers, q, maxBlobBytes, kemSuite, clock, faults, evidence, blobBackend);
    }

    /** Tests only: where to stop a task as a crash would. */
    public Config withFaults(TaskFaults f) {
      return new Config(host, port, stateDir, runner, workers, queueCapacity, maxBlobBytes, kemSuite, clock, f, evidence, blobBackend);
    }

    /** Completed sealed blobs on S3 (outside the TEE) instead of the state folder; null = state folder. */
    public Config withBlobBackend(SealedBlobBackend b) {
      return new Config(host, port, stateDir, runner, workers, queueCapacity, maxBlobBytes, kemSuite, clock, faults, evidence, b);
    }

    public Config withEvidence(EvidenceProvider e) {
      return new Config(host, port, stateDir, runner, workers, queueCapacity, maxBlobBytes, kemSuite, clock, faults, e, blobBackend);
    }
  }

  private final Javalin app;
  private final java.util.Set<String> routes;
  private final TaskService tasks;
  private final BlobStore blobs;
  private final EvidenceProvider issuer;
  private final StateDir state;

  private EnclaveServer(Javalin app, TaskService tasks, BlobStore blobs, EvidenceProvider issuer, StateDir state,
      java.util.Set<String> routes) {
    this.routes = java.util.Set.copyOf(routes);
    this.app = app;
    this.tasks = tasks;
    this.blobs = blobs;
    this.issuer = issuer;
    this.state = state;
  }

  public static EnclaveServer start(Config config) throws IOException {
    return start(config, System.err);
  }

  public static EnclaveServer start(Config config, PrintStream banner) throws IOException {
    EvidenceProvider issuer = config.evidence();
    if (issuer == null) throw new IllegalArgumentException("no evidence provider configured");
    SealedArchive.warmUp(); // the first study then opens at full AES-GCM speed
    StateDir state = new StateDir(config.stateDir());
    EnclaveKeys keys = EnclaveKeys.loadOrCreate(state.keys(), config.kemSuite());
    BlobStore blobs = new BlobStore(state, config.maxBlobBytes(), issuer.logPrefix(), config.blobBackend());
    blobs.dropPartsOfEndedUploads(); // parts a streamed reader held when the enclave last stopped
    ReceiptLog log = new ReceiptLog(state.log(), keys.signing());
    AlgorithmRunner runner = config.runner() != null ? config.runner() : EnclaveAlgorithms.runner(state.root().resolve("models"), List.of(), List.of(), issuer.logPrefix());
    UsageLedger ledger = new UsageLedger(state, keys.signing(), log, config.clock());
    InputPolicies policies = new InputPolicies(state);
    UsageGate gate = new UsageGate(policies, new ModelPolicies(state), ledger, blobs, keys.kem().publicKey().keyId(), config.clock());
    SignedRequests.Verifier verifier = SignedRequests.verifier(Receipts.keyId(keys.signing().getPublic()),
        new PersistentNonceLedger(state.root().resolve("nonces")), config.clock());
    // Providers' sealed models and licence state (issue #15); their calls are signed by the provider.
    LicensedModels licensed = new LicensedModels(new ProviderModelStore(state.root().resolve("provider-models"), keys.kem()),
        new LicenceLedger(state.root().resolve("licences"), log, keys.signing()), state.root().resolve("models"), config.clock(),
        Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, config.workers())));
    ProviderRoutes providers = new ProviderRoutes(licensed.store(), licensed.ledger(), verifier, config.clock());
    TaskService tasks = new TaskService(state, blobs, keys, issuer, log, runner, gate, licensed, config.workers(),
        config.queueCapacity(), config.clock(), config.faults());
    java.util.Set<String> routes = new java.util.TreeSet<>();
    Javalin app = Javalin.create(c -> {
      c.showJavalinBanner = false;
      c.events(e -> e.handlerAdded(h -> {
        if (h.getHttpMethod().isHttpMethod()) routes.add(h.getHttpMethod() + " " + h.getPath());
      }));
      c.http.maxRequestSize = BlobStore.MAX_PART_SIZE + 1024L;
      // Sealed bytes do not compress; gzip would only cost CPU on both ends.
      c.http.disableCompression();
    });
    new GatewayRoutes(issuer, keys, blobs, tasks, log, gate, verifier).register(app);
    providers.register(app);
    new ProvenanceRoutes(new ModelProvenanceService(state, gate.models(), policies, log, keys.signing(), tasks,
        state.root().resolve("models"), config.clock())).register(app);
    try {
      app.start(config.host(), config.port());
      tasks.resumeUnfinished();
    } catch (RuntimeException | IOException e) {
      tasks.close();
      app.stop();
      blobs.close();
      throw e;
    }
    banner.println((issuer.enclave().insecure() ? "INSECURE dev enclave" : "enclave server") + " listening on http://"
        + config.host() + ":" + app.port() + " state " + state.root() + " blobs " + blobs.describe() + " evidence " + issuer.name()
        + " measurement " + issuer.enclave().measurement() + " log " + log.origin());
    banner.flush();
    return new EnclaveServer(app, tasks, blobs, issuer, state, routes);
  }

  /** Every HTTP route the server answers, as {@code "GET /v1/..."} (for the check that gateway-v1.yaml lists exactly these). */
  public java.util.Set<String> routes() {
    return routes;
  }

  public int port() {
    return app.port();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public String measurement() {
    return issuer.enclave().measurement();
  }

  /** Inputs opened since start: a refused task must leave this unchanged ("decrypted nothing"). */
  public long inputsOpened() {
    return tasks.inputsOpened();
  }

  public long blobCount() throws IOException {
    return blobs.blobCount();
  }

  /**
   * How long a task reading an upload while it arrives waits for the next part or the completion
   * before it fails with {@code input-upload-stalled} (default {@link BlobStore#DEFAULT_STALL_TIMEOUT}).
   */
  public void uploadStallTimeout(java.time.Duration timeout) {
    blobs.stallTimeout(timeout);
  }

  public Path stateDir() {
    return state.root();
  }

  /**
   * Writes a stored blob through to disk in the background, as a task does with its inputs. For
   * the benchmark's sealing-off baseline, which runs an algorithm on a blob without a task.
   */
  public void flushBlobInBackground(String blobId) {
    blobs.flushInBackground(blobId);
  }

  @Override
  public void close() {
    app.stop();
    tasks.close();
    blobs.close();
  }
}
