package org.secaimed.dicom.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.secaimed.connector.io.AtomicFiles;
import org.secaimed.connector.io.Digests;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.dicom.pipeline.JournalEntry.Recorded;

/**
 * Step 8: the run's {@code record.json} — what ran, under which attestation, with which receipt
 * and log index, and what came out. Identifiers, digests and figures only.
 */
final class RecordStep {
  static final String RECORD_FILE = "record.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RecordStep() {}

  @JsonPropertyOrder({"id", "version", "digest"})
  record AlgorithmRef(String id, String version, String digest) {
    static AlgorithmRef of(TaskReceipt.Algorithm a) {
      return new AlgorithmRef(a.id(), a.version(), a.digest());
    }
  }

  @JsonPropertyOrder({"sopInstanceUid", "seriesInstanceUid", "frames"})
  record SegRef(String sopInstanceUid, String seriesInstanceUid, int frames) {}

  @JsonPropertyOrder({"id", "digest"})
  record ModelRef(String id, String digest) {}

  /** A segmentation run: one series in, one SEG out. */
  @JsonPropertyOrder({"seriesInstanceUid", "taskId", "algorithm", "blobId", "evidenceDigest", "policyDigest",
      "enclaveInsecure", "receipt", "logIndex", "seg", "storedAt"})
  record SeriesRecord(String seriesInstanceUid, String taskId, AlgorithmRef algorithm, String blobId, String evidenceDigest,
      String policyDigest, boolean enclaveInsecure, String receipt, long logIndex, SegRef seg, String storedAt) {}

  /** A training or evaluation run: several series in, a model id and metrics out. */
  @JsonPropertyOrder({"kind", "seriesInstanceUids", "taskId", "algorithm", "blobIds", "evidenceDigest", "policyDigest",
      "receipt", "logIndex", "model", "metrics"})
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record CohortRecord(String kind, List<String> seriesInstanceUids, String taskId, AlgorithmRef algorithm, List<String> blobIds,
      String evidenceDigest, String policyDigest, String receipt, long logIndex, ModelRef model, Map<String, Double> metrics) {}

  /** Writes the record (atomically) and journals its digest once; returns where it is. */
  static Path run(Object record, RunFolder run) throws IOException {
    Path file = run.file(RECORD_FILE);
    AtomicFiles.write(file, tmp -> JSON.writeValue(tmp.toFile(), record));
    if (!run.journal().has(Recorded.class)) {
      run.journal().record(new Recorded(Digests.sha256Hex(Files.readAllBytes(file))));
    }
    return file;
  }
}
