package org.secaimed.dicom.pipeline;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What one series' job produced: identifiers, digests and figures, never patient data.
 *
 * @param resumedSteps steps skipped because the journal said they were already done
 */
public record SeriesOutcome(
    String seriesInstanceUid,
    String taskId,
    String algorithm,
    String enclaveMeasurement,
    boolean enclaveInsecure,
    String evidenceDigest,
    int instances,
    long plaintextBytes,
    long sealedBytes,
    double sealSeconds,
    String blobId,
    long logIndex,
    Path receiptFile,
    Path recordFile,
    String segSopInstanceUid,
    String segSeriesInstanceUid,
    List<String> segments,
    Map<String, Double> metrics,
    String storedAt,
    List<String> resumedSteps) {

  public SeriesOutcome {
    segments = segments == null ? List.of() : List.copyOf(segments);
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    resumedSteps = resumedSteps == null ? List.of() : List.copyOf(resumedSteps);
  }
}
