package org.secaimed.dicom.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import org.secaimed.dicom.exchange.StreamedSegmentation;
import org.secaimed.dicom.pipeline.JournalEntry.ResultVerified;
import org.secaimed.dicom.pipeline.PipelineException.Step;

/**
 * Step 6: download the sealed result; verify the receipt's signature and contents, its log
 * inclusion and consistency (all in {@code GatewaySession.fetchVerified}); keep the receipt bundle;
 * only then open the result with the site key. Runs again on every resume: the opened result is
 * never stored. A training or evaluation result is small and opened in memory; a segmentation's
 * label map (524 MB for 512x512x2000) is not: it is checked in one streaming pass, and the SEG
 * writer later decrypts the sealed copy (ciphertext, in the session's work folder) again, slice by
 * slice, until {@link OpenedSegmentation#close()} deletes it.
 */
final class OpenVerifyStep {
  static final String RECEIPT_FILE = "receipt.json";

  private OpenVerifyStep() {}

  /** The opened result, its verified receipt and where the receipt bundle was kept. */
  record Opened(ResultPayload payload, TaskReceipt receipt, long logIndex, Path receiptFile) {}

  /** A verified segmentation whose label map is read from the sealed result on every pass; close to delete that copy. */
  record OpenedSegmentation(StreamedSegmentation result, TaskReceipt receipt, long logIndex, Path receiptFile, VerifiedResult sealed)
      implements AutoCloseable {
    @Override
    public void close() throws IOException {
      sealed.close();
    }
  }

  /** Opens the result and requires it to be of {@code kind}; {@code listener.stepFinished} is the caller's. */
  static Opened run(JobParts parts, AttestedEnclave enclave, SubmittedTask task, String kind, RunFolder run)
      throws IOException {
    parts.listener().stepStarted(Step.OPEN_VERIFY, "task " + task.taskId());
    Path receiptFile = run.file(RECEIPT_FILE);
    Opened opened;
    try (VerifiedResult result = fetch(parts, enclave, task, receiptFile)) {
      try (InputStream plaintext = result.open(parts.siteKey())) {
        ResultPayload payload = ResultPayloads.read(plaintext);
        plaintext.transferTo(OutputStream.nullOutputStream()); // to the end, where the opening stream checks the receipt's digest
        opened = new Opened(payload, result.receipt(), result.bundle().leafIndex(), receiptFile);
      }
    }
    if (!kind.equals(opened.payload().kind())) {
      throw new PipelineException(Step.OPEN_VERIFY, task.taskId(), "expected a " + kind + " result, got " + opened.payload().kind());
    }
    journal(run, receiptFile, opened.logIndex());
    return opened;
  }

  /** Opens a segmentation result, checking all of it in one streaming pass; the caller closes what it returns. */
  static OpenedSegmentation openSegmentation(JobParts parts, AttestedEnclave enclave, SubmittedTask task, RunFolder run)
      throws IOException {
    parts.listener().stepStarted(Step.OPEN_VERIFY, "task " + task.taskId());
    Path receiptFile = run.file(RECEIPT_FILE);
    VerifiedResult sealed = fetch(parts, enclave, task, receiptFile);
    try {
      StreamedSegmentation result = ResultPayloads.readStreamed(() -> sealed.open(parts.siteKey()), ResultPayloads.inMemoryBudget());
      OpenedSegmentation opened = new OpenedSegmentation(result, sealed.receipt(), sealed.bundle().leafIndex(), receiptFile, sealed);
      journal(run, receiptFile, opened.logIndex());
      return opened;
    } catch (IOException | RuntimeException e) {
      sealed.close();
      throw e;
    }
  }

  private static VerifiedResult fetch(JobParts parts, AttestedEnclave enclave, SubmittedTask task, Path receiptFile) throws IOException {
    try {
      VerifiedResult result = parts.gateway().fetchVerified(enclave, task);
      try {
        AtomicFiles.write(receiptFile, tmp -> result.bundle().write(tmp));
      } catch (IOException | RuntimeException e) {
        result.close();
        throw e;
      }
      return result;
    } catch (GatewayException e) {
      throw new PipelineException(Step.OPEN_VERIFY, task.taskId(), e.getMessage(), e);
    }
  }

  private static void journal(RunFolder run, Path receiptFile, long logIndex) throws IOException {
    if (!run.journal().has(ResultVerified.class)) {
      run.journal().record(new ResultVerified(Digests.sha256Hex(Files.readAllBytes(receiptFile)), logIndex));
    }
  }
}
