package org.secaimed.enclave.server.algorithms.input;

import java.util.List;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.volume.LabelVolume;

/** A reference segmentation on the image's geometry: label value = segment number of {@code segments}. */
public record ReferenceLabels(LabelVolume labels, List<SegmentDescription> segments) {
  public ReferenceLabels {
    segments = List.copyOf(segments);
  }
}
