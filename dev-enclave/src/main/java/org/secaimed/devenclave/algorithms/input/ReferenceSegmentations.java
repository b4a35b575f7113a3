package org.secaimed.devenclave.algorithms.input;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.CodedSequenceItem;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.TagFromName;
import java.util.ArrayList;
import java.util.List;
import org.secaimed.devenclave.algorithms.AlgorithmException;
import org.secaimed.devenclave.algorithms.AlgorithmException.Reason;
import org.secaimed.dicom.seg.CodedConcept;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.LabelVolume;

/**
 * Turns the reference SEG that travels with an image series (same study archive) into a label map
 * on that series' geometry. Reads BINARY (1-bit) Segmentation Storage and LABELMAP (8-bit) Label Map
 * Segmentation Storage; each frame is placed by its PlanePositionSequence.
 *
 * <p>Hand-written because the seg helper's SEG reader ({@code org.secaimed.dicom.seg}) had not
 * landed; once it has, this class should delegate to it.
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
    return toLabels(segs.get(0), series);
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

  static ReferenceLabels toLabels(AttributeList seg, LoadedSeries series) throws AlgorithmException {
    String where = SeriesVolumes.uid(seg);
    ImageGeometry g = series.volume().geometry();
    String for1 = Attribute.getSingleStringValueOrEmptyString(seg, TagFromName.FrameOfReferenceUID);
    if (!for1.equals(series.source().frameOfReferenceUid())) {
      throw new AlgorithmException(Reason.BAD_INPUT, where, "FrameOfReferenceUID differs from the image series");
    }
    if (SeriesVolumes.intValue(seg, TagFromName.Rows, where) != g.rows() || SeriesVolumes.intValue(seg, TagFromName.Columns, where) != g.columns()) {
      throw new AlgorithmException(Reason.BAD_INPUT, where, "SEG Rows/Columns differ from the image series");
    }
    boolean labelMap = "1.2.840.10008.5.1.4.1.1.66.7".equals(Attribute.getSingleStringValueOrEmptyString(seg, TagFromName.SOPClassUID));
    int bits = Attribute.getSingleIntegerValueOrDefault(seg, TagFromName.BitsAllocated, 0);
    if ((labelMap && bits != 8) || (!labelMap && bits != 1)) {
      throw new AlgorithmException(Reason.BAD_INPUT, where, "BitsAllocated " + bits + " not supported (BINARY needs 1, LABELMAP 8)");
    }
    List<SegmentDescription> segments = segments(seg, where);
    java.util.Set<Integer> numbers = new java.util.HashSet<>();
    for (SegmentDescription s : segments) numbers.add(s.number());
    int frames = Attribute.getSingleIntegerValueOrDefault(seg, TagFromName.NumberOfFrames, 1);
    SequenceAttribute perFrame = (SequenceAttribute) seg.get(TagFromName.PerFrameFunctionalGroupsSequence);
    if (perFrame == null || perFrame.getNumberOfItems() != frames) {
      throw new AlgorithmException(Reason.BAD_INPUT, where, "PerFrameFunctionalGroupsSequence does not have NumberOfFrames items");
    }
    byte[] pixels = pixelBytes(seg, where);
    int frameSize = g.frameSize();
    long needed = labelMap ? (long) frameSize * frames : ((long) frameSize * frames + 7) / 8;
    if (pixels.length < needed) throw new AlgorithmException(Reason.BAD_INPUT, where, "PixelData shorter than " + frames + " frames");
    byte[] labels = new byte[Math.toIntExact(g.voxelCount())];
    double[] origin = g.origin();
    double[] normal = g.sliceDirection();
    double dz = g.spacing()[2];
    for (int f = 0; f < frames; f++) {
      AttributeList fg = perFrame.getItem(f).getAttributeList();
      double[] ipp = nested(fg, TagFromName.PlanePositionSequence, TagFromName.ImagePositionPatient, where, f);
      double[] d = {ipp[0] - origin[0], ipp[1] - origin[1], ipp[2] - origin[2]};
      double kf = SeriesVolumes.dot(d, normal) / dz;
      int k = (int) Math.round(kf);
      double inPlane = Math.abs(SeriesVolumes.dot(d, g.rowDirection())) + Math.abs(SeriesVolumes.dot(d, g.columnDirection()));
      if (Math.abs(kf - k) > 0.1 || k < 0 || k >= g.slices() || inPlane > 0.01 * Math.max(g.spacing()[0], 1)) {
        throw new AlgorithmException(Reason.BAD_INPUT, where, "frame " + (f + 1) + " is not on a slice of the image series");
      }
      int segment = 0;
      if (!labelMap) {
        double[] ref = nested(fg, TagFromName.SegmentIdentificationSequence, TagFromName.ReferencedSegmentNumber, where, f);
        segment = (int) ref[0];
        if (!numbers.contains(segment) || segment > 255) throw new AlgorithmException(Reason.BAD_INPUT, where, "frame " + (f + 1) + " references unknown segment " + segment);
      }
      int base = k * frameSize;
      long bit = (long) f * frameSize;
      for (int i = 0; i < frameSize; i++) {
        if (labelMap) {
          int v = pixels[f * frameSize + i] & 0xFF;
          if (v != 0) {
            if (!numbers.contains(v)) throw new AlgorithmException(Reason.BAD_INPUT, where, "frame " + (f + 1) + " holds undescribed label " + v);
            labels[base + i] = (byte) v;
          }
        } else {
          long b = bit + i;
          if ((pixels[(int) (b >>> 3)] >> (b & 7) & 1) != 0) labels[base + i] = (byte) segment;
        }
      }
    }
    return new ReferenceLabels(new LabelVolume(g, labels), segments);
  }

  private static List<SegmentDescription> segments(AttributeList seg, String where) throws AlgorithmException {
    SequenceAttribute sequence = (SequenceAttribute) seg.get(TagFromName.SegmentSequence);
    if (sequence == null || sequence.getNumberOfItems() == 0) throw new AlgorithmException(Reason.BAD_INPUT, where, "no SegmentSequence");
    List<SegmentDescription> out = new ArrayList<>();
    for (int i = 0; i < sequence.getNumberOfItems(); i++) {
      AttributeList item = sequence.getItem(i).getAttributeList();
      int number = Attribute.getSingleIntegerValueOrDefault(item, TagFromName.SegmentNumber, -1);
      if (number == 0) continue; // LABELMAP background segment
      try {
        String algorithmType = Attribute.getSingleStringValueOrDefault(item, TagFromName.SegmentAlgorithmType, "MANUAL");
        String algorithmName = Attribute.getSingleStringValueOrDefault(item, new com.pixelmed.dicom.AttributeTag(0x0062, 0x0009), "unknown");
        out.add(new SegmentDescription(number, Attribute.getSingleStringValueOrDefault(item, TagFromName.SegmentLabel, "segment " + number),
            code(item, TagFromName.SegmentedPropertyCategoryCodeSequence), code(item, TagFromName.SegmentedPropertyTypeCodeSequence), null,
            SegmentDescription.AlgorithmType.valueOf(algorithmType), algorithmName, null));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new AlgorithmException(Reason.BAD_INPUT, where, "SegmentSequence item " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  private static CodedConcept code(AttributeList item, com.pixelmed.dicom.AttributeTag tag) {
    CodedSequenceItem c = CodedSequenceItem.getSingleCodedSequenceItemOrNull(item, tag);
    if (c == null) throw new IllegalArgumentException("missing " + item.getDictionary().getNameFromTag(tag));
    return new CodedConcept(c.getCodeValue(), c.getCodingSchemeDesignator(), c.getCodeMeaning());
  }

  private static double[] nested(AttributeList fg, com.pixelmed.dicom.AttributeTag seq, com.pixelmed.dicom.AttributeTag tag, String where, int frame)
      throws AlgorithmException {
    SequenceAttribute s = (SequenceAttribute) fg.get(seq);
    if (s != null && s.getNumberOfItems() > 0) {
      SequenceItem item = s.getItem(0);
      double[] v = Attribute.getDoubleValues(item.getAttributeList(), tag);
      if (v != null && v.length > 0) return v;
    }
    throw new AlgorithmException(Reason.BAD_INPUT, where, "frame " + (frame + 1) + " lacks " + fg.getDictionary().getNameFromTag(tag));
  }

  private static byte[] pixelBytes(AttributeList seg, String where) throws AlgorithmException {
    Attribute pd = seg.get(TagFromName.PixelData);
    if (pd == null) throw new AlgorithmException(Reason.BAD_INPUT, where, "no PixelData");
    try {
      if (pd instanceof OtherByteAttribute) return pd.getByteValues();
      short[] words = pd.getShortValues();
      byte[] b = new byte[words.length * 2];
      for (int i = 0; i < words.length; i++) {
        b[2 * i] = (byte) words[i];
        b[2 * i + 1] = (byte) (words[i] >> 8);
      }
      return b;
    } catch (DicomException e) {
      throw new AlgorithmException(Reason.BAD_INPUT, where, "unreadable PixelData: " + e.getMessage(), e);
    }
  }
}
