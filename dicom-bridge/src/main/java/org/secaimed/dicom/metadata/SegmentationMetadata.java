package org.secaimed.dicom.metadata;

import java.util.List;
import org.secaimed.dicom.seg.ClinicalContext;
import org.secaimed.dicom.seg.SegmentDescription;

/**
 * What a metadata file says about a segmentation: the segments (each {@link SegmentDescription#number()}
 * is the label value it describes in the label map), the series-level texts (null where not given) and
 * the clinical-trial / body-part values ({@link ClinicalContext#NONE} when none).
 */
public record SegmentationMetadata(
    List<SegmentDescription> segments,
    String seriesDescription,
    Integer seriesNumber,
    Integer instanceNumber,
    String contentCreatorName,
    String contentLabel,
    String contentDescription,
    ClinicalContext clinical) {

  public SegmentationMetadata {
    segments = List.copyOf(segments);
    clinical = clinical == null ? ClinicalContext.NONE : clinical;
  }
}
