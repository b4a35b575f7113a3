package org.secaimed.enclave.server.task;

/**
 * Points where a test can stop a task the way a crash would, to check that a restart finishes it
 * exactly once. The default does nothing; nothing outside tests sets another.
 */
public interface TaskFaults {
  TaskFaults NONE = new TaskFaults() {};

  /** The receipt's leaf is durably in the log; the receipt file and the succeeded state are not yet written. */
  default void afterLogAppend(String taskId) throws InterruptedException {}
}
