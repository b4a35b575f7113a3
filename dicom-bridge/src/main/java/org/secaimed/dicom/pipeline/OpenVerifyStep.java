package org.secaimed.dicom.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.secaimed.connector.gateway.AttestedEnclave;
import org.secaimed.connector.gateway.GatewayException;
import org.secaimed.connector.gateway.SubmittedTask;
import org.secaimed.connector.gateway.VerifiedResult;
import org.secaimed.connector.io.AtomicFiles;
import org.secaimed.connector.io.Digests;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.dicom.exchange.ResultPayload;
import org.secaimed.dicom.exchange.ResultPayloads;
import org.secaimed.dicom.pipeline.JournalEntry.ResultVerified;
import org.secaimed.dicom.pipeline.PipelineException.Step;

/**
 * Step 6: download the sealed result; verify the receipt's signature and contents, its log
 * inclusion and consistency (all in {@code GatewaySession.fetchVerified}); keep the receipt bundle;
 * only then open the result in memory with the site key. Runs again on every resume: the opened
 * result is never stored.
 */
final class OpenVerifyStep {
  static final String RECEIPT_FILE = "receipt.json";

  private OpenVerifyStep() {}

  /** The opened result, its verified receipt and where the receipt bundle was kept. */
  record Opened(ResultPayload payload, TaskReceipt receipt, long logIndex, Path receiptFile) {}

  /** Opens the result and requires it to be of {@code kind}; {@code listener.stepFinished} is the caller's. */
  static Opened run(JobParts parts, AttestedEnclave enclave, SubmittedTask task, String kind, RunFolder run)
      throws IOException {
    parts.listener().stepStarted(Step.OPEN_VERIFY, "task " + task.taskId());
    Path receiptFile = run.file(RECEIPT_FILE);
    Opened opened;
    try (VerifiedResult result = parts.gateway().fetchVerified(enclave, task)) {
      AtomicFiles.write(receiptFile, tmp -> result.bundle().write(tmp));
      try (InputStream plaintext = result.open(parts.siteKey())) {
        opened = new Opened(ResultPayloads.read(plaintext), result.receipt(), result.bundle().leafIndex(), receiptFile);
      }
    } catch (GatewayException e) {
      throw new PipelineException(Step.OPEN_VERIFY, task.taskId(), e.getMessage(), e);
    }
    if (!kind.equals(opened.payload().kind())) {
      throw new PipelineException(Step.OPEN_VERIFY, task.taskId(), "expected a " + kind + " result, got " + opened.payload().kind());
    }
    if (!run.journal().has(ResultVerified.class)) {
      run.journal().record(new ResultVerified(Digests.sha256Hex(Files.readAllBytes(receiptFile)), opened.logIndex()));
    }
    return opened;
  }
}
