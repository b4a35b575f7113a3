package org.secaimed.enclave.server.task;

import java.util.HashSet;
import java.util.Set;
import org.secaimed.enclave.server.http.Problem;

/**
 * Tasks admitted against an upload still arriving (streamed ingest), until they end: at most one
 * worker fewer than the pool (none with one worker). Anyone may declare a policy over an upload and
 * stream nothing, and such a task waits for parts on a worker, so these tasks must never hold every
 * worker; a site told {@code streaming-busy} uploads first and submits naming the blob.
 */
final class StreamingSlots {
  private final int max;
  private final Set<String> held = new HashSet<>();

  StreamingSlots(int workers) {
    this.max = workers - 1;
  }

  /** Takes a slot for {@code taskId}, or refuses with {@code 409 streaming-busy}. */
  synchronized void acquire(String taskId) {
    if (held.size() >= max) {
      throw Problem.conflict("streaming-busy", "Streaming slots busy", "the enclave reads at most " + max
          + " upload(s) while they arrive, so that tasks waiting for parts never hold every worker; upload the study first"
          + " and submit naming its blob");
    }
    held.add(taskId);
  }

  /** A streamed task re-queued after a restart: it holds a slot whatever the count, so new ones wait for it. */
  synchronized void hold(String taskId) {
    held.add(taskId);
  }

  /** The task ended, was cancelled while queued, or never got queued. Idempotent. */
  synchronized void release(String taskId) {
    held.remove(taskId);
  }
}
