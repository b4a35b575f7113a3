package org.secaimed.enclave.server.algorithms;

/**
 * Receives coarse progress from a running task: a step name ("read input", "segment", "write result")
 * and the fraction of the whole task done, 0..1, non-decreasing. Called on the task's thread; keep it
 * cheap. To cancel a task, interrupt its thread: the runner then fails with
 * {@link AlgorithmException.Reason#CANCELLED} at the next step boundary.
 */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = (step, fraction) -> { };

  void progress(String step, double fraction);
}
