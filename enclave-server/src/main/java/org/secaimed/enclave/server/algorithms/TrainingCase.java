package org.secaimed.enclave.server.algorithms;

import java.util.List;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.volume.ImageVolume;
import org.secaimed.dicom.volume.LabelVolume;

/** One image with its reference labels (from the site's reference SEG), on the same geometry. */
public record TrainingCase(String name, ImageVolume image, LabelVolume reference, List<SegmentDescription> segments) {
  public TrainingCase {
    if (!image.geometry().equals(reference.geometry())) throw new IllegalArgumentException(name + ": reference geometry differs from image geometry");
    segments = List.copyOf(segments);
  }
}
