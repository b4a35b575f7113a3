package org.secaimed.devenclave.task;

/**
 * An algorithm the dev enclave can run. The real ones come from the algorithms module
 * ({@code org.secaimed.devenclave.algorithms}); the host only needs this shape.
 */
public interface Algorithm {
  AlgorithmInfo info();

  /** Runs the task; throw {@link AlgorithmException} with a message fit for the site (no patient data). */
  void run(TaskContext context) throws Exception;
}
