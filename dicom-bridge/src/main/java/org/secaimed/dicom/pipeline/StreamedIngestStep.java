package org.secaimed.dicom.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.secaimed.connector.gateway.GatewayException;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.gateway.SubmittedTask;
import org.secaimed.connector.gateway.TaskSpec;
import org.secaimed.connector.gateway.TaskSubmission;
import org.secaimed.connector.io.Digests;
import org.secaimed.connector.party.UsagePolicy;
import org.secaimed.dicom.pipeline.JournalEntry.StreamAbandoned;
import org.secaimed.dicom.pipeline.JournalEntry.Streaming;
import org.secaimed.dicom.pipeline.JournalEntry.Submitted;
import org.secaimed.dicom.pipeline.JournalEntry.Submitting;
import org.secaimed.dicom.pipeline.JournalEntry.Uploaded;
import org.secaimed.dicom.pipeline.PipelineException.Step;

/**
 * Steps 3 and 4 overlapped (streamed ingest, decision 24): the upload is created with the site's
 * usage policy declared, the segmentation task is submitted naming it, and only then is the series
 * pulled and sealed into it, while the enclave already opens and parses what has arrived. The
 * journal ends as the classic steps leave it ({@link Uploaded}, then {@link Submitted}), so every
 * later step and every restart after that point runs unchanged.
 *
 * <p>Not for a usage policy that allows a single use: a stream that fails would spend it (the
 * enclave opened the input), so such a series is uploaded first, as is every cohort.
 *
 * <p>A restart before {@link Uploaded} cannot continue the stream (sealing again gives other
 * ciphertext): it abandons the upload at the gateway, so the task reading it fails at once
 * ({@code input-upload-aborted}; its logged use stays counted, since the enclave did open the input),
 * and the run goes on the classic way. A restart between {@link Uploaded} and {@link Submitted}
 * sends the same request under the same key and so finds the task it had made.
 */
final class StreamedIngestStep {
  private StreamedIngestStep() {}

  /** The uploaded series and the task that read it, the task's spec naming the blob the upload became. */
  record Result(PullSealStep.UploadedSeries upload, SubmittedTask task) {}

  /** Empty when the run goes (or went) the classic way, whose steps then find or do the rest. */
  static Optional<Result> run(JobParts parts, AttestStep.Result attested, String seriesUid, RunFolder run) throws IOException {
    RunJournal journal = run.journal();
    if (journal.has(StreamAbandoned.class)) return Optional.empty();
    Optional<Streaming> started = journal.find(Streaming.class);
    if (started.isPresent()) {
      resume(parts, attested, seriesUid, run, started.get());
      return Optional.empty();
    }
    boolean classicBegun = journal.has(Uploaded.class) || journal.has(Submitting.class) || journal.has(Submitted.class);
    if (classicBegun || !parts.streamedIngest() || parts.gateway().party().isEmpty()) return Optional.empty();
    UsagePolicy policy;
    try {
      policy = parts.gateway().uploadPolicy();
    } catch (GatewayException e) {
      throw new PipelineException(Step.UPLOAD, seriesUid, e.getMessage(), e);
    }
    // A policy allowing one use: a stream that fails (a bad series) would spend it, and no retry could run. Upload first.
    if (policy.maxUses() <= 1) return Optional.empty();
    return stream(parts, attested, seriesUid, run, policy);
  }

  /**
   * Streams the series; empty when the enclave's streaming slots were busy and sealing stopped
   * (the run goes the classic way, its upload abandoned).
   */
  private static Optional<Result> stream(JobParts parts, AttestStep.Result attested, String seriesUid, RunFolder run, UsagePolicy policy)
      throws IOException {
    GatewaySession gateway = parts.gateway();
    GatewaySession.OpenUpload upload;
    try {
      upload = gateway.openUpload(attested.enclave(), policy);
    } catch (GatewayException e) {
      throw new PipelineException(Step.UPLOAD, seriesUid, e.getMessage(), e);
    }
    TaskSubmission submission = submission(parts, attested, run, upload.uploadId());
    run.journal().record(new Streaming(upload.uploadId(), submission.idempotencyKey(), submission.digest()));
    parts.listener().stepStarted(Step.SUBMIT, parts.algorithm().id() + " " + parts.algorithm().version()
        + " against upload " + upload.uploadId() + " (the enclave reads the series while it arrives)");
    // The submit travels beside the first parts rather than before them: its round trip (signature
    // check, nonce ledger, usage decision in the enclave) is off the path to the result.
    CompletableFuture<SubmittedTask> submitted = submitBeside(gateway, attested, submission, upload.uploadId());
    PullSealStep.UploadedSeries up;
    try {
      // If sealing fails (a bad series, the source), the session abandons the upload and the task fails with it.
      up = PullSealStep.sealAndRecord(parts, seriesUid, false, run, policy,
          writer -> gateway.sealAndUpload(attested.enclave(), upload, writer));
    } catch (IOException | RuntimeException e) {
      Submit s = await(submitted);
      if (s.streamingBusy()) {
        // The enclave reads no more uploads while they arrive: this series goes the classic way, uploaded again.
        run.journal().record(new StreamAbandoned(upload.uploadId()));
        parts.listener().stepResumed(Step.UPLOAD, "the enclave's streaming slots are busy; uploading the series first");
        return Optional.empty();
      }
      // A refused submit abandoned the upload, which is why sealing stopped: report the refusal. But a
      // submit that reached the enclave after sealing had failed (and abandoned the upload) was refused
      // for that abandonment: then the sealing failure is the reason.
      if (s.failure() != null && !s.refusedForTheAbandonment()) {
        throw new PipelineException(Step.SUBMIT, seriesUid, failureText(s.failure()), s.failure());
      }
      throw e;
    }
    Submit s = await(submitted);
    if (s.streamingBusy()) {
      // The upload finished before the refusal came back: the task is submitted against the blob it became.
      run.journal().record(new StreamAbandoned(upload.uploadId()));
      parts.listener().stepFinished(Step.SUBMIT, "the enclave's streaming slots are busy; submitting against blob " + up.blobId());
      TaskSpec spec = completedSpec(parts, up.blobId(), up.instances());
      return Optional.of(new Result(up, SubmitStep.run(parts, attested.enclave(), attested.bound(), spec, run,
          seriesUid + "|" + up.blobId())));
    }
    if (s.failure() != null) throw new PipelineException(Step.SUBMIT, seriesUid, failureText(s.failure()), s.failure());
    SubmittedTask pending = s.task();
    parts.listener().stepFinished(Step.SUBMIT, "task " + pending.taskId() + ", read while upload " + upload.uploadId() + " arrived");
    run.journal().record(new Submitted(pending.taskId(), submission.idempotencyKey()));
    return Optional.of(new Result(up, pending.withInputs(completedSpec(parts, up.blobId(), up.instances()))));
  }

  /** What the operator reads: a gateway failure's own message, anything else named as the submit's failure without a class name. */
  private static String failureText(Throwable t) {
    if (t instanceof GatewayException) return t.getMessage();
    return "the task could not be submitted" + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  /** Sends the submit on a thread of its own; a refused one abandons the upload, so the sealing beside it stops at once. */
  private static CompletableFuture<SubmittedTask> submitBeside(GatewaySession gateway, AttestStep.Result attested,
      TaskSubmission submission, String uploadId) {
    CompletableFuture<SubmittedTask> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(gateway.submit(attested.enclave(), submission));
      } catch (GatewayException | RuntimeException e) {
        gateway.abandon(uploadId);
        f.completeExceptionally(e);
      }
    }, "secaimed-submit");
    t.setDaemon(true);
    t.start();
    return f;
  }

  private record Submit(SubmittedTask task, Throwable failure) {
    /** The enclave reads as many uploads while they arrive as it allows (decision 24): upload first instead. */
    boolean streamingBusy() {
      return failure instanceof org.secaimed.connector.gateway.GatewayProblemException p && p.isType("streaming-busy");
    }

    /** The upload was already abandoned when the submit arrived (by the sealing failure beside it). */
    boolean refusedForTheAbandonment() {
      return failure instanceof org.secaimed.connector.gateway.GatewayProblemException p && p.isType("upload-aborted");
    }
  }

  private static Submit await(CompletableFuture<SubmittedTask> f) throws IOException {
    try {
      return new Submit(f.get(), null);
    } catch (ExecutionException e) {
      return new Submit(null, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while the task was being submitted");
    }
  }

  private static void resume(JobParts parts, AttestStep.Result attested, String seriesUid, RunFolder run, Streaming s) throws IOException {
    RunJournal journal = run.journal();
    if (!journal.has(Uploaded.class)) {
      parts.gateway().abandon(s.uploadId());
      journal.record(new StreamAbandoned(s.uploadId()));
      run.resumed("stream-abandoned");
      parts.listener().stepResumed(Step.UPLOAD, "upload " + s.uploadId() + " abandoned (a stream cannot resume); uploading again");
      return;
    }
    if (journal.has(Submitted.class)) return;
    // Uploaded, but stopped before the task id was journalled: the same request finds the same task.
    TaskSubmission again = submission(parts, attested, run, s.uploadId());
    if (!again.digest().equals(s.requestSha256())) {
      throw new PipelineException(Step.SUBMIT, seriesUid, "the task request rebuilt from the journal differs from the one sent"
          + " before the restart (parameters, algorithm or site key changed?); start a new run");
    }
    SubmittedTask task;
    try {
      task = parts.gateway().submit(attested.enclave(), again);
    } catch (GatewayException e) {
      if (new Submit(null, e).streamingBusy()) {
        // Refused for busy slots (before the restart too, perhaps): the classic steps submit against the uploaded blob.
        journal.record(new StreamAbandoned(s.uploadId()));
        run.resumed("stream-abandoned");
        return;
      }
      throw new PipelineException(Step.SUBMIT, seriesUid, e.getMessage(), e);
    }
    journal.record(new Submitted(task.taskId(), again.idempotencyKey()));
    run.resumed("stream-resend");
  }

  /** The request naming the upload, bound to the journalled attestation, under a key derived from the run and the upload. */
  private static TaskSubmission submission(JobParts parts, AttestStep.Result attested, RunFolder run, String uploadId) {
    TaskSpec spec = new TaskSpec("segmentation", parts.algorithm(), List.of(uploadId), parts.parameters(), Map.of());
    String key = "secaimed-" + Digests.sha256Hex((run.dir().toAbsolutePath() + "|stream|" + uploadId + "|" + parts.algorithm().digest())
        .getBytes(StandardCharsets.UTF_8)).substring(0, 32);
    return TaskSubmission.recorded(spec, parts.siteKey().publicKey(), attested.bound().evidenceDigest(), attested.bound().policyDigest(), key);
  }

  private static TaskSpec completedSpec(JobParts parts, String blobId, Map<String, String> instances) {
    return new TaskSpec("segmentation", parts.algorithm(), List.of(blobId), parts.parameters(), Map.of(blobId, instances));
  }
}
