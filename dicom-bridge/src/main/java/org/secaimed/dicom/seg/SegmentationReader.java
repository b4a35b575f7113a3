package org.secaimed.dicom.seg;

import static org.secaimed.dicom.geometry.DicomAttributes.doubles;
import static org.secaimed.dicom.geometry.DicomAttributes.functionalGroup;
import static org.secaimed.dicom.geometry.DicomAttributes.integer;
import static org.secaimed.dicom.geometry.DicomAttributes.item;
import static org.secaimed.dicom.geometry.DicomAttributes.sequence;
import static org.secaimed.dicom.geometry.DicomAttributes.string;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.InstanceReader;
import org.secaimed.dicom.geometry.SeriesAssemblyException;
import org.secaimed.dicom.seg.SegmentationException.Reason;

/**
 * Reads a DICOM SEG (BINARY, FRACTIONAL thresholded at one half, LABELMAP) onto its source series.
 * Each frame is placed by its Plane Position (within 0.01 mm of a source slice) or, when it has
 * none, by its Source Image reference; a frame that fits no slice of the series is an error, never
 * silently dropped.
 *
 * <p>LABELMAP (Supplement 243) may omit frames. The background is the value the SEG declares in
 * Pixel Padding Value (dcmqi: 0 when absent); a plane without a frame reads as that value, and
 * so do pixels of present frames holding it. Both map to "no segment": no voxel in any
 * {@link SegmentationOnSeries#mask mask}, 0 in {@link SegmentationOnSeries#labels() labels()}.
 */
public final class SegmentationReader {
  private static final double POSITION_TOLERANCE_MM = 0.01;
  private static final double ORIENTATION_TOLERANCE = 1e-4;

  private SegmentationReader() {}

  public static SegmentationOnSeries read(Path segFile, AssembledSeries series) throws SegmentationException {
    return read(parse(segFile, true), series);
  }

  /** The first Series Instance UID the SEG's Referenced Series Sequence names, or null. */
  public static String referencedSeriesUid(Path segFile) throws SegmentationException {
    AttributeList ref = item(parse(segFile, false), "ReferencedSeriesSequence", 0);
    String uid = string(ref, "SeriesInstanceUID");
    return uid == null || uid.isEmpty() ? null : uid;
  }

  /** Parses through the structural checks the series reader uses (bounded depth and lengths). */
  private static AttributeList parse(Path segFile, boolean withPixels) throws SegmentationException {
    String name = segFile.getFileName().toString();
    try {
      InstanceReader.Parsed parsed = InstanceReader.parse(Files.readAllBytes(segFile), name, withPixels);
      if (parsed == null) throw new SegmentationException(Reason.MALFORMED, name + ": not a DICOM file");
      return parsed.list();
    } catch (SeriesAssemblyException e) {
      Reason r = e.reason() == SeriesAssemblyException.Reason.UNSUPPORTED_TRANSFER_SYNTAX ? Reason.UNSUPPORTED : Reason.MALFORMED;
      throw new SegmentationException(r, "SEG " + e.getMessage(), e);
    } catch (IOException e) {
      throw new SegmentationException(Reason.MALFORMED, name + ": cannot read: " + e.getMessage(), e);
    }
  }

  public static SegmentationOnSeries read(AttributeList seg, AssembledSeries series) throws SegmentationException {
    String sop = string(seg, "SOPInstanceUID");
    String who = "SEG " + sop;
    String sopClass = string(seg, "SOPClassUID");
    if (!SegmentationType.BINARY.sopClassUid().equals(sopClass) && !SegmentationType.LABELMAP.sopClassUid().equals(sopClass)) {
      throw new SegmentationException(Reason.UNSUPPORTED, who + ": SOP class " + sopClass + " is not a segmentation");
    }
    String typeText = string(seg, "SegmentationType");
    SegmentationType type;
    try {
      type = SegmentationType.parse(typeText == null ? "" : typeText);
    } catch (IllegalArgumentException e) {
      throw new SegmentationException(Reason.UNSUPPORTED, who + ": SegmentationType '" + typeText + "'");
    }
    Integer rows = integer(seg, "Rows"), columns = integer(seg, "Columns"), bits = integer(seg, "BitsAllocated");
    Integer nf = integer(seg, "NumberOfFrames");
    if (rows == null || columns == null || bits == null) throw malformed(who, "Rows, Columns and BitsAllocated are required");
    int frames = nf == null ? 1 : nf;
    if (rows != series.rows() || columns != series.columns()) {
      throw new SegmentationException(Reason.GEOMETRY_MISMATCH, who + ": frames are " + columns + "x" + rows
          + " but the source series is " + series.columns() + "x" + series.rows());
    }
    String segFor = string(seg, "FrameOfReferenceUID");
    String seriesFor = series.context().frameOfReferenceUid();
    if (segFor != null && !segFor.isEmpty() && !segFor.equals(seriesFor)) {
      throw new SegmentationException(Reason.GEOMETRY_MISMATCH, who + ": Frame of Reference " + segFor + " differs from the series' " + seriesFor);
    }
    AttributeList shared = item(seg, "SharedFunctionalGroupsSequence", 0);
    double[] iop = doubles(functionalGroup(null, shared, "PlaneOrientationSequence"), "ImageOrientationPatient");
    if (iop != null && iop.length == 6) {
      double[] s = series.orientation();
      for (int i = 0; i < 6; i++) {
        if (Math.abs(iop[i] - s[i]) > ORIENTATION_TOLERANCE) {
          throw new SegmentationException(Reason.GEOMETRY_MISMATCH, who + ": orientation differs from the source series");
        }
      }
    }
    Integer padding = integer(seg, "PixelPaddingValue");
    boolean[] background = new boolean[65536]; // LABELMAP pixel values that mean "no segment"
    List<SegmentDescription> segments = segments(seg, who, type, padding, background);
    Map<Integer, BitSet> masks = new HashMap<>();
    for (SegmentDescription d : segments) masks.put(d.number(), new BitSet());

    byte[] pixels = pixelBytes(seg, who);
    int frameSize = rows * columns;
    long needed = switch (type) {
      case BINARY -> ((long) frames * frameSize + 7) / 8;
      case FRACTIONAL -> (long) frames * frameSize;
      case LABELMAP -> (long) frames * frameSize * (bits / 8);
    };
    if (type == SegmentationType.BINARY && bits != 1 || type == SegmentationType.FRACTIONAL && bits != 8
        || type == SegmentationType.LABELMAP && bits != 8 && bits != 16) {
      throw new SegmentationException(Reason.UNSUPPORTED, who + ": BitsAllocated " + bits + " for " + type);
    }
    if (pixels.length < needed) {
      throw malformed(who, "pixel data has " + pixels.length + " bytes, " + frames + " frames of " + columns + "x" + rows + " need " + needed);
    }
    int maxFractional = type == SegmentationType.FRACTIONAL ? orDefault(integer(seg, "MaximumFractionalValue"), 255) : 0;
    if (type == SegmentationType.LABELMAP && padding != null && (padding < 0 || padding >= 1 << bits)) {
      throw malformed(who, "PixelPaddingValue " + padding + " does not fit " + bits + "-bit label map pixels");
    }

    for (int f = 0; f < frames; f++) {
      AttributeList perFrame = item(seg, "PerFrameFunctionalGroupsSequence", f);
      int slice = sliceOf(perFrame, shared, series, who, f);
      int base = slice * frameSize;
      if (type == SegmentationType.LABELMAP) {
        for (int p = 0; p < frameSize; p++) {
          int v = bits == 8 ? pixels[f * frameSize + p] & 0xFF
              : (pixels[2 * (f * frameSize + p)] & 0xFF) | (pixels[2 * (f * frameSize + p) + 1] & 0xFF) << 8;
          if (background[v]) continue;
          BitSet m = masks.get(v);
          if (m == null) throw malformed(who, "frame " + (f + 1) + " holds pixel value " + v + " but no segment has that number");
          m.set(base + p);
        }
        continue;
      }
      AttributeList ident = functionalGroup(perFrame, shared, "SegmentIdentificationSequence");
      Integer number = integer(ident, "ReferencedSegmentNumber");
      if (number == null) throw malformed(who, "frame " + (f + 1) + " has no ReferencedSegmentNumber");
      BitSet m = masks.get(number);
      if (m == null) throw malformed(who, "frame " + (f + 1) + " references segment " + number + ", which SegmentSequence lacks");
      if (type == SegmentationType.BINARY) {
        long bit0 = (long) f * frameSize;
        for (int p = 0; p < frameSize; p++) {
          long bit = bit0 + p;
          if ((pixels[(int) (bit >>> 3)] & (1 << (bit & 7))) != 0) m.set(base + p);
        }
      } else {
        for (int p = 0; p < frameSize; p++) {
          if ((pixels[f * frameSize + p] & 0xFF) * 2 >= maxFractional && pixels[f * frameSize + p] != 0) m.set(base + p);
        }
      }
    }
    return new SegmentationOnSeries(type, sop, series, segments, masks);
  }

  private static int sliceOf(AttributeList perFrame, AttributeList shared, AssembledSeries series, String who, int f)
      throws SegmentationException {
    double[] ipp = doubles(functionalGroup(perFrame, shared, "PlanePositionSequence"), "ImagePositionPatient");
    int byPosition = -1;
    if (ipp != null && ipp.length == 3) {
      byPosition = series.sliceAt(ipp, POSITION_TOLERANCE_MM);
      if (byPosition < 0) {
        throw new SegmentationException(Reason.GEOMETRY_MISMATCH, who + ": frame " + (f + 1) + " at "
            + String.format(Locale.ROOT, "(%.3f, %.3f, %.3f)", ipp[0], ipp[1], ipp[2]) + " matches no slice of series "
            + series.context().seriesInstanceUid());
      }
    }
    AttributeList derivation = item(perFrame, "DerivationImageSequence", 0);
    AttributeList source = item(derivation, "SourceImageSequence", 0);
    String ref = string(source, "ReferencedSOPInstanceUID");
    int byReference = -1;
    if (ref != null && !ref.isEmpty()) {
      Integer frame = integer(source, "ReferencedFrameNumber");
      byReference = series.sliceOf(ref, frame == null ? 0 : frame);
    }
    if (byPosition >= 0) {
      if (byReference >= 0 && byReference != byPosition) {
        throw malformed(who, "frame " + (f + 1) + " lies on slice " + byPosition + " but references the instance of slice " + byReference);
      }
      return byPosition;
    }
    if (byReference >= 0) return byReference;
    throw new SegmentationException(Reason.GEOMETRY_MISMATCH, who + ": frame " + (f + 1)
        + " has neither a plane position nor a source reference in series " + series.context().seriesInstanceUid());
  }

  private static byte[] pixelBytes(AttributeList seg, String who) throws SegmentationException {
    Attribute a = seg.getPixelData();
    if (a == null) throw malformed(who, "PixelData is missing");
    try {
      // Implicit VR files make PixelMed read PixelData as OW; its bytes are then little-endian words.
      byte[] b = a instanceof OtherWordAttribute ow ? ow.getByteValues(false) : a.getByteValues();
      if (b == null) throw malformed(who, "PixelData is empty");
      return b;
    } catch (DicomException e) {
      throw malformed(who, "PixelData is unreadable: " + e.getMessage());
    }
  }

  /**
   * The segments a caller sees. For LABELMAP, Supplement 243 declares the background by Pixel
   * Padding Value: the segment with that number (and any segment typed DCM 125040 "Background") is
   * dropped and its pixel value marked in {@code background}. Without a Pixel Padding Value, 0 is
   * the background (dcmqi's reading). A non-background segment 0 is refused: our label maps use 0
   * for "no segment", so it would silently vanish.
   */
  private static List<SegmentDescription> segments(AttributeList seg, String who, SegmentationType type, Integer padding,
      boolean[] background) throws SegmentationException {
    int backgroundValue = padding == null ? 0 : padding;
    if (backgroundValue >= 0 && backgroundValue < background.length) background[backgroundValue] = true;
    SequenceAttribute seq = sequence(seg, "SegmentSequence");
    if (seq == null || seq.getNumberOfItems() == 0) throw malformed(who, "SegmentSequence is missing or empty");
    List<SegmentDescription> out = new ArrayList<>();
    for (int i = 0; i < seq.getNumberOfItems(); i++) {
      AttributeList it = seq.getItem(i).getAttributeList();
      Integer number = integer(it, "SegmentNumber");
      if (number == null) throw malformed(who, "SegmentSequence item " + (i + 1) + " has no SegmentNumber");
      CodedConcept typeCode = code(it, "SegmentedPropertyTypeCodeSequence");
      boolean typedBackground = typeCode != null && "125040".equals(typeCode.value()) && "DCM".equals(typeCode.scheme());
      if (type == SegmentationType.LABELMAP) {
        if (number == backgroundValue || typedBackground) {
          if (number >= 0 && number < background.length) background[number] = true;
          continue;
        }
        if (number == 0) {
          throw new SegmentationException(Reason.UNSUPPORTED, who + ": segment 0 ('" + string(it, "SegmentLabel")
              + "') is a structure, not the background (Pixel Padding Value " + padding + " is); secaimed's label maps use 0 for no segment");
        }
      }
      try {
        String label = string(it, "SegmentLabel");
        String alg = string(it, "SegmentAlgorithmType");
        int[] lab = null;
        Attribute cie = it.get(org.secaimed.dicom.geometry.DicomAttributes.tag("RecommendedDisplayCIELabValue"));
        if (cie != null && cie.getVM() == 3) lab = cie.getIntegerValues();
        SegmentDetails details = new SegmentDetails(string(it, "SegmentDescription"), string(it, "TrackingID"),
            string(it, "TrackingUID"), code(item(it, "SegmentedPropertyTypeCodeSequence", 0), "SegmentedPropertyTypeModifierCodeSequence"),
            code(item(it, "AnatomicRegionSequence", 0), "AnatomicRegionModifierSequence"));
        out.add(new SegmentDescription(number, label == null || label.isEmpty() ? "Segment " + number : label,
            code(it, "SegmentedPropertyCategoryCodeSequence"), typeCode, code(it, "AnatomicRegionSequence"),
            SegmentDescription.AlgorithmType.valueOf(alg == null ? "" : alg.toUpperCase(Locale.ROOT)),
            string(it, "SegmentAlgorithmName"), lab == null ? null : CieLab.toRgb(lab), details));
      } catch (IllegalArgumentException | NullPointerException | DicomException e) {
        throw malformed(who, "segment " + number + ": " + e.getMessage());
      }
    }
    return out;
  }

  private static CodedConcept code(AttributeList item, String sequenceKeyword) {
    AttributeList c = item(item, sequenceKeyword, 0);
    if (c == null) return null;
    String value = string(c, "CodeValue");
    if (value == null || value.isEmpty()) value = string(c, "LongCodeValue");
    if (value == null || value.isEmpty()) value = string(c, "URNCodeValue");
    try {
      return new CodedConcept(value, string(c, "CodingSchemeDesignator"), string(c, "CodeMeaning"));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static int orDefault(Integer v, int d) { return v == null ? d : v; }

  private static SegmentationException malformed(String who, String message) {
    return new SegmentationException(Reason.MALFORMED, who + ": " + message);
  }
}
