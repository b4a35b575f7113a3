package org.secaimed.dicom.pipeline;

import java.io.IOException;
import org.secaimed.connector.gateway.GatewayException;
import org.secaimed.connector.gateway.SubmittedTask;
import org.secaimed.dicom.pipeline.JournalEntry.Completed;
import org.secaimed.dicom.pipeline.PipelineException.Step;

/** Step 5: poll until the task succeeded, reporting progress; a task that failed stops the run. */
final class AwaitStep {
  private AwaitStep() {}

  static void run(JobParts parts, SubmittedTask task, RunFolder run) throws IOException {
    if (run.journal().has(Completed.class)) {
      run.resumed("await");
      parts.listener().stepResumed(Step.AWAIT, "task " + task.taskId() + " already finished");
      return;
    }
    parts.listener().stepStarted(Step.AWAIT, "task " + task.taskId());
    try {
      parts.gateway().await(task, parts.taskTimeout(), t -> parts.listener().taskProgress(t.getTaskId(),
          t.getState().getValue(), t.getProgress() == null ? 0 : t.getProgress()));
    } catch (GatewayException e) {
      throw new PipelineException(Step.AWAIT, task.taskId(), e.getMessage(), e);
    }
    run.journal().record(new Completed(task.taskId()));
    parts.listener().stepFinished(Step.AWAIT, "task " + task.taskId() + " succeeded");
  }
}
