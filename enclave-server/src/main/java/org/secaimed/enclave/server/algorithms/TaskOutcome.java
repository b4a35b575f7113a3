package org.secaimed.enclave.server.algorithms;

import java.util.List;
import org.secaimed.dicom.exchange.AlgorithmRef;
import org.secaimed.dicom.exchange.InstanceRecord;
import org.secaimed.dicom.exchange.Metric;
import org.secaimed.dicom.exchange.ModelInfo;

/**
 * What a finished task tells the gateway for its receipt: the exact algorithm that ran, the
 * instances it read (per input, with the SHA-256 the enclave computed), the metrics it reported,
 * the model it created (training only), and the SHA-256 and size of the plaintext result it wrote.
 */
public record TaskOutcome(
    TaskKind kind,
    AlgorithmRef algorithm,
    List<List<InstanceRecord>> inputInstances,
    List<Metric> metrics,
    ModelInfo model,
    String resultSha256,
    long resultBytes) {
  public TaskOutcome {
    inputInstances = inputInstances.stream().map(List::copyOf).toList();
    metrics = List.copyOf(metrics);
  }
}
