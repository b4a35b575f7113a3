package org.secaimed.dicom.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.secaimed.connector.gateway.AttestedEnclave;
import org.secaimed.connector.gateway.GatewayException;
import org.secaimed.connector.gateway.SubmittedTask;
import org.secaimed.connector.gateway.TaskSpec;
import org.secaimed.connector.io.Digests;
import org.secaimed.dicom.pipeline.JournalEntry.Attested;
import org.secaimed.dicom.pipeline.JournalEntry.Submitted;
import org.secaimed.dicom.pipeline.PipelineException.Step;

/** Step 4: the task is submitted once per run; a resumed run takes the task id from the journal. */
final class SubmitStep {
  private SubmitStep() {}

  /** {@code inputs} names what is submitted (series and blobs) for the idempotency key and messages. */
  static SubmittedTask run(JobParts parts, AttestedEnclave enclave, Attested bound, TaskSpec spec, RunFolder run,
      String inputs) throws IOException {
    var done = run.journal().find(Submitted.class);
    String recipientKeyId = parts.siteKey().publicKey().keyId();
    if (done.isPresent()) {
      SubmittedTask task = new SubmittedTask(done.get().taskId(), spec, recipientKeyId, bound.evidenceDigest(), bound.policyDigest());
      run.resumed("submit");
      parts.listener().stepResumed(Step.SUBMIT, "task " + task.taskId());
      return task;
    }
    parts.listener().stepStarted(Step.SUBMIT, parts.algorithm().id() + " " + parts.algorithm().version());
    String idempotencyKey = idempotencyKey(run, spec, inputs, parts);
    SubmittedTask task;
    try {
      task = parts.gateway().submit(enclave, spec, parts.siteKey().publicKey(), idempotencyKey);
    } catch (GatewayException e) {
      throw new PipelineException(Step.SUBMIT, inputs, e.getMessage(), e);
    }
    run.journal().record(new Submitted(task.taskId(), idempotencyKey));
    parts.listener().stepFinished(Step.SUBMIT, "task " + task.taskId());
    return task;
  }

  /** Derived from what is submitted, so a crash between submit and journal cannot make a second task. */
  private static String idempotencyKey(RunFolder run, TaskSpec spec, String inputs, JobParts parts) {
    return "secaimed-" + Digests.sha256Hex((run.dir().toAbsolutePath() + "|" + spec.kind() + "|" + inputs + "|"
        + parts.algorithm().digest()).getBytes(StandardCharsets.UTF_8)).substring(0, 32);
  }
}
