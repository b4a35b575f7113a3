package org.secaimed.enclave.server.algorithms.input;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import java.util.ArrayList;
import java.util.List;
import org.secaimed.enclave.server.algorithms.AlgorithmException;
import org.secaimed.enclave.server.algorithms.AlgorithmException.Reason;
import org.secaimed.dicom.seg.SegmentationException;
import org.secaimed.dicom.seg.SegmentationOnSeries;
import org.secaimed.dicom.seg.SegmentationReader;

/**
 * Finds the reference SEG that travels with an image series in the same study archive and reads it
 * onto that series' grid with the dicom-bridge {@link SegmentationReader}.
 */
public final class ReferenceSegmentations {
  private ReferenceSegmentations() {}

  public static ReferenceLabels read(StudyContent study, LoadedSeries series) throws AlgorithmException {
    List<AttributeList> segs = new ArrayList<>();
    for (AttributeList seg : study.segmentations()) {
      if (references(seg, series.source().seriesInstanceUid())) segs.add(seg);
    }
    if (segs.isEmpty()) {
      throw new AlgorithmException(Reason.BAD_INPUT, study.inputName(), "no reference SEG for image series " + series.source().seriesInstanceUid());
    }
    if (segs.size() > 1) {
      throw new AlgorithmException(Reason.BAD_INPUT, study.inputName(), segs.size() + " reference SEGs for series " + series.source().seriesInstanceUid() + "; send one");
    }
    AttributeList seg = segs.get(0);
    String uid = Attribute.getSingleStringValueOrDefault(seg, TagFromName.SOPInstanceUID, study.inputName());
    try {
      SegmentationOnSeries onSeries = SegmentationReader.read(seg, series.assembled());
      return new ReferenceLabels(onSeries.toLabelVolume(), onSeries.segments());
    } catch (SegmentationException e) {
      throw new AlgorithmException(Reason.BAD_INPUT, uid, study.inputName() + ": reference SEG unusable: " + e.getMessage(), e);
    }
  }

  private static boolean references(AttributeList seg, String seriesUid) {
    SequenceAttribute refSeries = (SequenceAttribute) seg.get(TagFromName.ReferencedSeriesSequence);
    if (refSeries == null) return false;
    for (int i = 0; i < refSeries.getNumberOfItems(); i++) {
      AttributeList item = refSeries.getItem(i).getAttributeList();
      if (seriesUid.equals(Attribute.getSingleStringValueOrEmptyString(item, TagFromName.SeriesInstanceUID))) return true;
    }
    return false;
  }
}
