package org.secaimed.enclave.server.algorithms;

import java.util.List;
import org.secaimed.dicom.exchange.Metric;

/** A model's serialised bytes (kept in the enclave's {@code ModelStore}) and its training metrics. */
public record TrainedModel(byte[] bytes, List<Metric> metrics) {
  public TrainedModel {
    bytes = bytes.clone();
    metrics = List.copyOf(metrics);
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }
}
