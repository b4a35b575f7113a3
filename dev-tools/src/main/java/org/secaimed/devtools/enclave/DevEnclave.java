package org.secaimed.devtools.enclave;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.secaimed.enclave.server.EnclaveServer;

/**
 * The INSECURE development enclave: the real {@link EnclaveServer} with software {@code dev}
 * evidence ({@link DevEvidenceProvider}) whose measurement is the hash of the server's own code.
 * Only a policy with {@code allowInsecureDevEnclave: true} accepts it. Start with
 * {@link #start(EnclaveServer.Config)}; {@link #close()} stops it.
 */
public final class DevEnclave implements AutoCloseable {
  public static final String INSECURE_BANNER =
      "INSECURE dev enclave: software keys, no hardware TEE. Only a policy with allowInsecureDevEnclave: true accepts it. Never send real patient data.";

  private final EnclaveServer server;

  private DevEnclave(EnclaveServer server) {
    this.server = server;
  }

  public static DevEnclave start(EnclaveServer.Config config) throws IOException {
    return start(config, System.err);
  }

  /** Starts the server with dev evidence; any evidence provider in {@code config} is replaced. */
  public static DevEnclave start(EnclaveServer.Config config, PrintStream banner) throws IOException {
    Path keys = Files.createDirectories(config.stateDir().resolve("keys"));
    DevEvidenceProvider dev = DevEvidenceProvider.loadOrCreate(keys,
        CodeMeasurement.ofCodeContaining(EnclaveServer.class), config.clock());
    banner.println(INSECURE_BANNER);
    return new DevEnclave(EnclaveServer.start(config.withEvidence(dev), banner));
  }

  public EnclaveServer server() {
    return server;
  }

  public int port() {
    return server.port();
  }

  public String baseUrl() {
    return server.baseUrl();
  }

  public String measurement() {
    return server.measurement();
  }

  public long blobCount() throws IOException {
    return server.blobCount();
  }

  public Path stateDir() {
    return server.stateDir();
  }

  /** See {@link EnclaveServer#flushBlobInBackground(String)}. */
  public void flushBlobInBackground(String blobId) {
    server.flushBlobInBackground(blobId);
  }

  @Override
  public void close() {
    server.close();
  }
}
