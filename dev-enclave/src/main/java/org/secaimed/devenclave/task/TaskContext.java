package org.secaimed.devenclave.task;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * What an algorithm sees while it runs inside the enclave: the decrypted inputs (opened as
 * streams, never written to disk in plaintext), the parameters, a plaintext result stream that
 * the enclave seals as it is written, and progress / cancellation.
 */
public interface TaskContext {
  String taskId();

  String kind();

  Map<String, String> parameters();

  List<Input> inputs();

  /** The result plaintext; sealed to the requester on the fly. Write it once. */
  OutputStream result() throws IOException;

  /** Reports progress in [0, 1]. */
  void progress(double fraction);

  /** True once the task was cancelled; algorithms should stop at the next convenient point. */
  boolean cancelled();

  /** An input blob: {@link #open()} decrypts it afresh on each call. */
  interface Input {
    String blobId();

    InputStream open() throws IOException;

    /** Records the per-instance SHA-256 the algorithm found (SOP Instance UID → hex), for the receipt. */
    void recordInstances(Map<String, String> sha256ByInstanceUid);
  }
}
