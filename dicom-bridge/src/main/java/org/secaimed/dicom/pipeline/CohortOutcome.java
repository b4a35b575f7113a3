package org.secaimed.dicom.pipeline;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a training or evaluation task over several series produced: metrics and, for training,
 * the id and digest of the model the enclave keeps. No model bytes ever reach the site.
 */
public record CohortOutcome(
    String kind,
    String taskId,
    String algorithm,
    List<String> seriesInstanceUids,
    List<String> blobIds,
    String modelId,
    String modelDigest,
    Map<String, Double> metrics,
    long logIndex,
    Path receiptFile,
    Path recordFile,
    List<String> resumedSteps) {

  public CohortOutcome {
    seriesInstanceUids = List.copyOf(seriesInstanceUids);
    blobIds = List.copyOf(blobIds);
    metrics = Map.copyOf(metrics);
    resumedSteps = List.copyOf(resumedSteps);
  }
}
