package org.secaimed.devenclave;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.SealedArchive;
import org.secaimed.devenclave.attest.CodeMeasurement;
import org.secaimed.devenclave.attest.DevEvidenceIssuer;
import org.secaimed.devenclave.blob.BlobStore;
import org.secaimed.devenclave.http.GatewayRoutes;
import org.secaimed.devenclave.keys.EnclaveKeys;
import org.secaimed.devenclave.log.ReceiptLog;
import org.secaimed.devenclave.state.StateDir;
import org.secaimed.devenclave.algorithms.AlgorithmRunner;
import org.secaimed.devenclave.algorithms.EnclaveAlgorithms;
import org.secaimed.devenclave.task.TaskFaults;
import org.secaimed.devenclave.task.TaskService;

/**
 * The INSECURE development enclave: the gateway API v1 with software keys, state in a folder
 * (survives restarts) and real algorithm execution. A production policy rejects its evidence.
 * Start with {@link #start(Config)}; {@link #close()} stops it.
 */
public final class DevEnclave implements AutoCloseable {
  public static final String INSECURE_BANNER =
      "INSECURE dev enclave: software keys, no hardware TEE. Only a policy with allowInsecureDevEnclave: true accepts it. Never send real patient data.";

  /**
   * How to run: bind address, port (0 = any free), state folder, pool size. {@code runner} null means
   * the built-in algorithms with trained models kept in {@code <state>/models}.
   */
  public record Config(String host, int port, Path stateDir, AlgorithmRunner runner, int workers, int queueCapacity,
      long maxBlobBytes, HpkeSuite kemSuite, Clock clock, TaskFaults faults) {
    public static Config defaults(Path stateDir) {
      return new Config("127.0.0.1", 0, stateDir, null, 2, 64, 16L << 30, HpkeSuite.DEFAULT, Clock.systemUTC(), TaskFaults.NONE);
    }

    public Config withRunner(AlgorithmRunner r) {
      return new Config(host, port, stateDir, r, workers, queueCapacity, maxBlobBytes, kemSuite, clock, faults);
    }

    public Config withPort(int p) {
      return new Config(host, p, stateDir, runner, workers, queueCapacity, maxBlobBytes, kemSuite, clock, faults);
    }

    public Config withKemSuite(HpkeSuite s) {
      return new Config(host, port, stateDir, runner, workers, queueCapacity, maxBlobBytes, s, clock, faults);
    }

    public Config withWorkers(int w) {
      return new Config(host, port, stateDir, runner, w, queueCapacity, maxBlobBytes, kemSuite, clock, faults);
    }

    /** Tests only: where to stop a task as a crash would. */
    public Config withFaults(TaskFaults f) {
      return new Config(host, port, stateDir, runner, workers, queueCapacity, maxBlobBytes, kemSuite, clock, f);
    }
  }

  private final Javalin app;
  private final TaskService tasks;
  private final BlobStore blobs;
  private final DevEvidenceIssuer issuer;
  private final StateDir state;

  private DevEnclave(Javalin app, TaskService tasks, BlobStore blobs, DevEvidenceIssuer issuer, StateDir state) {
    this.app = app;
    this.tasks = tasks;
    this.blobs = blobs;
    this.issuer = issuer;
    this.state = state;
  }

  public static DevEnclave start(Config config) throws IOException {
    return start(config, System.err);
  }

  public static DevEnclave start(Config config, PrintStream banner) throws IOException {
    SealedArchive.warmUp(); // the first study then opens at full AES-GCM speed
    StateDir state = new StateDir(config.stateDir());
    EnclaveKeys keys = EnclaveKeys.loadOrCreate(state.keys(), config.kemSuite());
    DevEvidenceIssuer issuer = new DevEvidenceIssuer(keys, CodeMeasurement.ofCodeContaining(DevEnclave.class), config.clock());
    BlobStore blobs = new BlobStore(state, config.maxBlobBytes());
    ReceiptLog log = new ReceiptLog(state.log(), keys.signing());
    AlgorithmRunner runner = config.runner() != null ? config.runner() : EnclaveAlgorithms.runner(state.root().resolve("models"));
    TaskService tasks = new TaskService(state, blobs, keys, issuer, log, runner, config.workers(),
        config.queueCapacity(), config.clock(), config.faults());
    Javalin app = Javalin.create(c -> {
      c.showJavalinBanner = false;
      c.http.maxRequestSize = BlobStore.MAX_PART_SIZE + 1024L;
      // Sealed bytes do not compress; gzip would only cost CPU on both ends.
      c.http.disableCompression();
    });
    new GatewayRoutes(issuer, blobs, tasks, log).register(app);
    try {
      app.start(config.host(), config.port());
      tasks.resumeUnfinished();
    } catch (RuntimeException | IOException e) {
      tasks.close();
      app.stop();
      blobs.close();
      throw e;
    }
    banner.println(INSECURE_BANNER);
    banner.println("INSECURE dev enclave listening on http://" + config.host() + ":" + app.port() + " state " + state.root()
        + " measurement " + issuer.measurement() + " log " + log.origin());
    banner.flush();
    return new DevEnclave(app, tasks, blobs, issuer, state);
  }

  public int port() {
    return app.port();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public String measurement() {
    return issuer.measurement();
  }

  public long blobCount() throws IOException {
    return blobs.blobCount();
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
