package org.secaimed.dicom.pipeline;

/**
 * What a running job reports as it goes: for the demo's console, the operator's log and progress
 * bars. Messages carry identifiers and figures only, never patient data.
 */
public interface PipelineListener {
  PipelineListener SILENT = new PipelineListener() {};

  /** A step began, e.g. ("attest", "gateway http://..."). */
  default void stepStarted(PipelineException.Step step, String detail) {}

  /** A step ended; {@code detail} says what it produced. */
  default void stepFinished(PipelineException.Step step, String detail) {}

  /** A step was skipped because the journal says it already completed. */
  default void stepResumed(PipelineException.Step step, String detail) {}

  /** One more instance was sealed. */
  default void instanceSealed(int count, long plaintextBytes) {}

  /** The enclave reported task progress (0..1) and state. */
  default void taskProgress(String taskId, String state, double fraction) {}
}
