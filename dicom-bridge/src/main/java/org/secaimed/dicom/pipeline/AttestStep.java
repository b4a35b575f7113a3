package org.secaimed.dicom.pipeline;

import java.io.IOException;
import org.secaimed.connector.gateway.AttestedEnclave;
import org.secaimed.connector.gateway.GatewayException;
import org.secaimed.connector.io.Digests;
import org.secaimed.dicom.pipeline.JournalEntry.Attested;
import org.secaimed.dicom.pipeline.PipelineException.Step;

/**
 * Step 2, every run (also when resuming): data and results move only under a fresh, accepted
 * attestation. Until a task request is sent the journal follows the newest attestation; after that
 * it keeps the one the request named, and a changed enclave signing key stops the run.
 */
final class AttestStep {
  private AttestStep() {}

  /** The fresh attestation, and the journalled one the run's task is (or will be) bound to. */
  record Result(AttestedEnclave enclave, Attested bound) {}

  static Result run(JobParts parts, RunFolder run, String subject) throws IOException {
    parts.listener().stepStarted(Step.ATTEST, "fresh nonce, policy checks");
    AttestedEnclave enclave;
    try {
      enclave = parts.gateway().attest();
    } catch (GatewayException e) {
      throw new PipelineException(Step.ATTEST, subject, e.getMessage(), e);
    }
    String signingKeyDigest = Digests.sha256Hex(enclave.signingKey().getEncoded());
    RunJournal journal = run.journal();
    Attested bound;
    // Once a task request may have reached the gateway, the task is bound to the attestation it named.
    boolean streamSent = journal.has(JournalEntry.Streaming.class) && !journal.has(JournalEntry.StreamAbandoned.class);
    if (journal.has(JournalEntry.Submitting.class) || journal.has(JournalEntry.Submitted.class) || streamSent) {
      bound = journal.find(Attested.class).orElse(null);
      if (bound == null || !signingKeyDigest.equals(bound.signingKeySha256())) {
        throw new PipelineException(Step.ATTEST, subject, "the enclave's signing key changed since the task was submitted;"
            + " its receipt cannot be checked against this attestation (start a new run to resubmit)");
      }
    } else {
      bound = new Attested(enclave.evidenceDigest(), enclave.policyDigest(), signingKeyDigest, enclave.kemKey().keyId(),
          enclave.insecure());
      journal.record(bound);
    }
    parts.listener().stepFinished(Step.ATTEST, (enclave.insecure() ? "INSECURE dev enclave" : "enclave")
        + " measurement " + enclave.measurement().orElse("(composite)") + ", evidence " + enclave.evidenceDigest());
    return new Result(enclave, bound);
  }
}
