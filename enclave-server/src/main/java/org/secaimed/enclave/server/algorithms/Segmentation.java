package org.secaimed.enclave.server.algorithms;

import java.util.List;
import org.secaimed.dicom.exchange.Metric;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.volume.LabelVolume;

/** What a segmenter returns: labels on the input geometry, their meaning, and any metrics it measured. */
public record Segmentation(LabelVolume labels, List<SegmentDescription> segments, List<Metric> metrics) {
  public Segmentation {
    segments = List.copyOf(segments);
    metrics = List.copyOf(metrics);
  }
}
