package org.secaimed.dicom.pipeline;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.secaimed.connector.gateway.SubmittedTask;
import org.secaimed.connector.io.Digests;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.dicom.exchange.StreamedSegmentation;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.pipeline.JournalEntry.SegWritten;
import org.secaimed.dicom.pipeline.JournalEntry.Stored;
import org.secaimed.dicom.pipeline.PipelineException.Step;
import org.secaimed.dicom.seg.Segmentation;
import org.secaimed.dicom.seg.SegmentationBuilder;

/**
 * Step 7: the SEG built against the source series and stored. The label map is read from the
 * opened result slice by slice (once for which slices hold each segment, then per segment for the
 * content digest and again while the SEG is written), so neither it nor the SEG's pixel data is
 * whole on the heap; a folder or STOW-RS destination receives the SEG as it is made. Its UIDs are seeded by the task and
 * the series and its content time is the receipt's, so a retried write-back produces the identical
 * object and replaces rather than duplicates it.
 */
final class WriteBackStep {
  private WriteBackStep() {}

  record Written(Segmentation seg, String storedAt) {}

  /** {@code headers} is null on a resumed run; they are then pulled again and checked against {@code instances}. */
  static Written run(JobParts parts, String seriesUid, AssembledSeries headers, Map<String, String> instances,
      StreamedSegmentation result, SubmittedTask task, TaskReceipt receipt, RunFolder run) throws IOException {
    parts.listener().stepStarted(Step.WRITE_BACK, parts.destination().describe());
    AssembledSeries source = headers != null ? headers : reassemble(parts, seriesUid, instances);
    Segmentation seg = build(parts, source, result, task, receipt);
    var stored = run.journal().find(Stored.class);
    if (stored.isPresent() && seg.sopInstanceUid().equals(stored.get().segSopInstanceUid())) {
      run.resumed("write-back");
      parts.listener().stepResumed(Step.WRITE_BACK, "SEG " + seg.sopInstanceUid() + " already stored");
      return new Written(seg, parts.destination().describe());
    }
    run.journal().record(new SegWritten(seg.sopInstanceUid(), seg.seriesInstanceUid(), seg.frameCount()));
    String storedAt = parts.destination().store(seg);
    run.journal().record(new Stored(seg.sopInstanceUid()));
    parts.listener().stepFinished(Step.WRITE_BACK, "SEG " + seg.sopInstanceUid() + " (" + seg.frameCount() + " frames) -> " + storedAt);
    return new Written(seg, storedAt);
  }

  private static Segmentation build(JobParts parts, AssembledSeries headers, StreamedSegmentation result,
      SubmittedTask task, TaskReceipt receipt) throws PipelineException {
    try {
      return SegmentationBuilder.forSource(headers)
          .type(parts.segType())
          .labels(result.labels(), result.segments())
          .algorithm(parts.algorithm().id(), parts.algorithm().version())
          .seriesDescription("secaimed " + parts.algorithm().id())
          .contentLabel("SECAIMED")
          .contentDescription("secaimed enclave task " + task.taskId())
          .uidSeed("secaimed|" + task.taskId() + "|" + headers.context().seriesInstanceUid())
          .contentDateTime(contentTime(receipt))
          .build();
    } catch (org.secaimed.dicom.seg.SegmentationException | RuntimeException e) {
      throw new PipelineException(Step.WRITE_BACK, task.taskId(), "cannot build the SEG: " + e.getMessage(), e);
    }
  }

  private static LocalDateTime contentTime(TaskReceipt receipt) {
    try {
      return LocalDateTime.ofInstant(Instant.parse(receipt.finishedAt()), ZoneOffset.UTC);
    } catch (RuntimeException e) {
      return LocalDateTime.ofInstant(Instant.EPOCH, ZoneOffset.UTC);
    }
  }

  /** After a restart the headers are pulled again (they hold patient data and were never stored). */
  private static AssembledSeries reassemble(JobParts parts, String seriesUid, Map<String, String> expected) throws IOException {
    SeriesHeaders headers = new SeriesHeaders();
    parts.source().forEachInstance(seriesUid, (uid, part10) -> {
      String want = expected.get(uid);
      if (want == null || !want.equals(Digests.sha256Hex(part10))) {
        throw new PipelineException(Step.WRITE_BACK, uid, "instance changed in the source since it was sealed; start a new run");
      }
      headers.add(part10, uid);
    });
    return headers.assemble(seriesUid);
  }
}
