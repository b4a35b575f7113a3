package org.secaimed.enclave.server.algorithms;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * Runs one task inside the enclave on decrypted inputs. The gateway opens each sealed input blob
 * into a plaintext stream (study archives, docs/payload-formats.md) and passes a sink that seals the
 * result to the requester; the runner reads, computes, writes one result payload and closes the sink.
 * On failure nothing usable is written: the sink is left unclosed, so a sealing sink never seals a
 * final chunk, and the gateway discards it.
 */
public interface AlgorithmRunner {

  /** The catalogue this runner serves (GET /v1/algorithms). */
  AlgorithmCatalogue catalogue();

  TaskOutcome run(TaskRequest request, List<InputStream> plaintextInputs, OutputStream resultSink, ProgressListener progress)
      throws AlgorithmException;

  /** Convenience form without a pinned digest (the catalogue's digest is used and reported). */
  default TaskOutcome run(TaskKind kind, String algorithmId, String version, Map<String, Object> parameters,
      List<InputStream> plaintextInputs, OutputStream resultSink, ProgressListener progress) throws AlgorithmException {
    return run(new TaskRequest(kind, algorithmId, version, null, parameters), plaintextInputs, resultSink, progress);
  }
}
