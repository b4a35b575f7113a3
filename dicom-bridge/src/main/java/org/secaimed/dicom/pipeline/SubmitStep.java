package org.secaimed.dicom.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.secaimed.connector.gateway.AttestedEnclave;
import org.secaimed.connector.gateway.GatewayException;
import org.secaimed.connector.gateway.SubmittedTask;
import org.secaimed.connector.gateway.TaskSpec;
import org.secaimed.connector.gateway.TaskSubmission;
import org.secaimed.connector.io.Digests;
import org.secaimed.dicom.pipeline.JournalEntry.Attested;
import org.secaimed.dicom.pipeline.JournalEntry.Submitted;
import org.secaimed.dicom.pipeline.JournalEntry.Submitting;
import org.secaimed.dicom.pipeline.PipelineException.Step;

/**
 * Step 4: the task is submitted exactly once per run. The intent ({@link Submitting}: idempotency
 * key and request digest) is journalled before the request leaves; the task id after the gateway
 * answered ({@link Submitted}). A run that stopped in between sends the same request again — bound
 * to the attestation it recorded, not the one it just made — under the same key, and the gateway
 * answers with the task it already created.
 */
final class SubmitStep {
  private SubmitStep() {}

  /** {@code inputs} names what is submitted (series and blobs) for the idempotency key and messages. */
  static SubmittedTask run(JobParts parts, AttestedEnclave enclave, Attested bound, TaskSpec spec, RunFolder run,
      String inputs) throws IOException {
    RunJournal journal = run.journal();
    var done = journal.find(Submitted.class);
    String recipientKeyId = parts.siteKey().publicKey().keyId();
    if (done.isPresent()) {
      SubmittedTask task = new SubmittedTask(done.get().taskId(), spec, recipientKeyId, bound.evidenceDigest(), bound.policyDigest());
      run.resumed("submit");
      parts.listener().stepResumed(Step.SUBMIT, "task " + task.taskId());
      return task;
    }
    parts.listener().stepStarted(Step.SUBMIT, parts.algorithm().id() + " " + parts.algorithm().version());
    var intent = journal.find(Submitting.class);
    String idempotencyKey = intent.map(Submitting::idempotencyKey).orElseGet(() -> idempotencyKey(run, spec, inputs, parts));
    // `bound` is the journalled attestation: the fresh one on a first send, the recorded one on a resend.
    TaskSubmission submission = TaskSubmission.recorded(spec, parts.siteKey().publicKey(), bound.evidenceDigest(),
        bound.policyDigest(), idempotencyKey);
    if (intent.isEmpty()) {
      journal.record(new Submitting(idempotencyKey, submission.digest()));
    } else if (!intent.get().requestSha256().equals(submission.digest())) {
      throw new PipelineException(Step.SUBMIT, inputs, "the task request rebuilt from the journal differs from the one sent"
          + " before the restart (parameters, algorithm or site key changed?); start a new run");
    } else {
      run.resumed("submit-resend");
    }
    SubmittedTask task;
    try {
      task = parts.gateway().submit(enclave, submission);
    } catch (GatewayException e) {
      throw new PipelineException(Step.SUBMIT, inputs, e.getMessage(), e);
    }
    journal.record(new Submitted(task.taskId(), idempotencyKey));
    parts.listener().stepFinished(Step.SUBMIT, "task " + task.taskId() + (intent.isPresent() ? " (request sent again after a restart)" : ""));
    return task;
  }

  /** Derived from what is submitted, so the same run never makes a second task. */
  private static String idempotencyKey(RunFolder run, TaskSpec spec, String inputs, JobParts parts) {
    return "secaimed-" + Digests.sha256Hex((run.dir().toAbsolutePath() + "|" + spec.kind() + "|" + inputs + "|"
        + parts.algorithm().digest()).getBytes(StandardCharsets.UTF_8)).substring(0, 32);
  }
}
