package org.secaimed.dicom.seg;

import org.secaimed.connector.io.Digests;
import static org.secaimed.dicom.seg.Dcm.item;
import static org.secaimed.dicom.seg.Dcm.put;
import static org.secaimed.dicom.seg.Dcm.putCode;
import static org.secaimed.dicom.seg.Dcm.putCodeFields;
import static org.secaimed.dicom.seg.Dcm.putEmpty;
import static org.secaimed.dicom.seg.Dcm.putInts;
import static org.secaimed.dicom.seg.Dcm.putTag;
import static org.secaimed.dicom.seg.Dcm.sequence;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.SequenceAttribute;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.SeriesAssemblyException;
import org.secaimed.dicom.geometry.SourceFrame;
import org.secaimed.dicom.seg.SegmentationException.Reason;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.LabelSlices;

/**
 * Builds a DICOM Segmentation (PS3.3 A.51; LABELMAP per Supplement 243) against an assembled source
 * series, on PixelMed's object model. Validates everything in {@link #build()} and fails with a
 * {@link SegmentationException} naming the field; nothing is written until the object is complete.
 *
 * <pre>{@code
 * Segmentation seg = SegmentationBuilder.forSource(series)
 *     .type(SegmentationType.BINARY)
 *     .labels(labelVolume, descriptions)      // or any LabelSlices; description.number() = label value
 *     .algorithm("nnU-Net liver", "2.3.1")
 *     .uidSeed(taskId)                         // same input + seed -> byte-identical file
 *     .contentDateTime(taskCompletedAt)
 *     .build();
 * seg.writeTo(outputPath);
 * }</pre>
 *
 * <p>Layout: BINARY and FRACTIONAL get one frame per (segment, slice) that holds the segment, in
 * segment-major order, BINARY bits packed as one continuous stream across frames; LABELMAP gets one
 * frame per slice that holds any segment. Empty frames are omitted, except that a described segment
 * with no voxels keeps one empty frame on the first slice, so the SEG says "looked, found nothing".
 * BINARY and FRACTIONAL segments are numbered 1..N in ascending label order (as dcmqi does);
 * LABELMAP keeps the label values as segment numbers, with segment 0 = background.
 *
 * <p>Memory: labels are read slice by slice ({@link LabelSlices}), once for which slices hold each
 * segment and once per segment (LABELMAP: once) for the content digest in the UID seed; the pixel
 * data is made again, frame by frame, when the SEG is written. Neither the label map nor the pixel
 * data needs to be whole on the heap (issue 16).
 */
public final class SegmentationBuilder {

  private static final Pattern CS = Pattern.compile("[A-Z0-9 _]{1,16}");
  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final double GEOMETRY_TOLERANCE_MM = 0.01;
  private static final DateTimeFormatter DA = DateTimeFormatter.ofPattern("yyyyMMdd");
  private static final DateTimeFormatter TM = DateTimeFormatter.ofPattern("HHmmss.SSSSSS");

  /** The device that made the SEG (Enhanced General Equipment, all Type 1). */
  public record Equipment(String manufacturer, String modelName, String serialNumber, String softwareVersions) {
    public Equipment {
      Objects.requireNonNull(manufacturer, "manufacturer");
      Objects.requireNonNull(modelName, "modelName");
      Objects.requireNonNull(serialNumber, "serialNumber");
      Objects.requireNonNull(softwareVersions, "softwareVersions");
    }
  }

  private record Mask(SegmentDescription description, byte[] values) {}

  private final AssembledSeries source;
  private SegmentationType type = SegmentationType.BINARY;
  private LabelSlices labels;
  private List<SegmentDescription> labelDescriptions;
  private final List<Mask> masks = new ArrayList<>();
  private String seriesDescription = "Segmentation";
  private int seriesNumber = 300;
  private int instanceNumber = 1;
  private String contentLabel = "SEGMENTATION";
  private String contentDescription = "";
  private String contentCreatorName = "";
  private ClinicalContext clinical = ClinicalContext.NONE;
  private Equipment equipment = new Equipment("secaimed", "secaimed SEG writer", "1", "secaimed 0.1");
  private String algorithmName;
  private String algorithmVersion;
  private String uidSeed;
  private LocalDateTime contentDateTime;
  private java.time.ZoneId zone = ZoneOffset.UTC;

  private SegmentationBuilder(AssembledSeries source) {
    this.source = Objects.requireNonNull(source, "source series");
  }

  public static SegmentationBuilder forSource(AssembledSeries source) {
    return new SegmentationBuilder(source);
  }

  public SegmentationBuilder type(SegmentationType type) {
    this.type = Objects.requireNonNull(type, "type");
    return this;
  }

  /**
   * The segments as one label map on the source grid; each description's {@link SegmentDescription#number()}
   * is the label value it describes. Every non-zero value must be described. The map is read again
   * on every pass ({@link #build()} and each write), so it must stay readable until the SEG is written.
   */
  public SegmentationBuilder labels(LabelSlices labels, List<SegmentDescription> descriptions) {
    this.labels = Objects.requireNonNull(labels, "labels");
    this.labelDescriptions = List.copyOf(descriptions);
    return this;
  }

  /**
   * One segment as a mask over the source series (slice-major, in {@link AssembledSeries#frames()} order):
   * non-zero = inside for BINARY, 0..255 probability for FRACTIONAL. Masks may overlap.
   */
  public SegmentationBuilder addSegment(SegmentDescription description, byte[] values) {
    masks.add(new Mask(Objects.requireNonNull(description, "description"), Objects.requireNonNull(values, "values")));
    return this;
  }

  public SegmentationBuilder seriesDescription(String v) { this.seriesDescription = v; return this; }
  public SegmentationBuilder seriesNumber(int v) { this.seriesNumber = v; return this; }
  public SegmentationBuilder instanceNumber(int v) { this.instanceNumber = v; return this; }
  /** ContentLabel: upper case, digits, space, underscore, at most 16 characters. */
  public SegmentationBuilder contentLabel(String v) { this.contentLabel = v; return this; }
  public SegmentationBuilder contentDescription(String v) { this.contentDescription = v; return this; }
  /** ContentCreatorName as a DICOM person name (Family^Given), or empty. */
  public SegmentationBuilder contentCreatorName(String v) { this.contentCreatorName = v; return this; }
  /** Body Part Examined and clinical-trial values from the metadata (see {@link ClinicalContext}). */
  public SegmentationBuilder clinicalContext(ClinicalContext v) { this.clinical = Objects.requireNonNull(v, "clinical context"); return this; }
  public SegmentationBuilder equipment(Equipment v) { this.equipment = Objects.requireNonNull(v, "equipment"); return this; }

  /** Algorithm identification (family "Artificial Intelligence") written for AUTOMATIC and SEMIAUTOMATIC segments. */
  public SegmentationBuilder algorithm(String name, String version) {
    this.algorithmName = name;
    this.algorithmVersion = version;
    return this;
  }

  /** Derive every UID from this seed and the source series, so the same input gives the same file. */
  public SegmentationBuilder uidSeed(String seed) { this.uidSeed = seed; return this; }

  /** Content/Series date and time (default: now, UTC). Fix it together with a seed for byte-identical output. */
  public SegmentationBuilder contentDateTime(LocalDateTime v) { this.contentDateTime = v; return this; }

  /** The time zone of the content date/time (default UTC); written as Timezone Offset From UTC. */
  public SegmentationBuilder zone(java.time.ZoneId v) { this.zone = java.util.Objects.requireNonNull(v, "zone"); return this; }

  /** Validates and builds the SEG in memory. */
  public Segmentation build() throws SegmentationException {
    validateText();
    if ((labels == null) == masks.isEmpty()) {
      throw invalid("segments", "give either labels(...) or addSegment(...), not both and not neither");
    }
    if (type == SegmentationType.LABELMAP && labels == null) {
      throw invalid("segments", "a LABELMAP SEG is built from labels(...): masks may overlap, a label map may not");
    }
    int rows = source.rows(), columns = source.columns(), slices = source.slices();
    int frameSize = rows * columns;
    long voxels = (long) frameSize * slices;

    List<SegmentDescription> inputs = labels != null ? labelDescriptions : masks.stream().map(Mask::description).toList();
    List<SegmentDescription> sorted = new ArrayList<>(inputs);
    sorted.sort(Comparator.comparingInt(SegmentDescription::number));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).number() == sorted.get(i - 1).number()) {
        throw invalid("segment " + sorted.get(i).number(), "two segment descriptions share the number");
      }
    }
    if (sorted.isEmpty()) throw invalid("segments", "at least one segment is required");
    if (labels != null) {
      checkLabelGeometry(labels.geometry());
      for (SegmentDescription d : sorted) {
        if (d.number() > 255) throw invalid("segment " + d.number(), "label values are 1..255 in a label volume");
      }
    } else {
      for (Mask m : masks) {
        if (m.values.length != voxels) {
          throw new SegmentationException(Reason.GEOMETRY_MISMATCH, "mask of segment " + m.description.number() + " has "
              + m.values.length + " values; the source series has " + columns + "x" + rows + "x" + slices + " = " + voxels);
        }
      }
    }

    // Segment numbers: BINARY/FRACTIONAL 1..N in label order; LABELMAP keeps the label values.
    Map<Integer, Integer> labelToSegment = new LinkedHashMap<>();
    List<SegmentDescription> written = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      SegmentDescription d = sorted.get(i);
      int number = type == SegmentationType.LABELMAP ? d.number() : i + 1;
      labelToSegment.put(d.number(), number);
      written.add(number == d.number() ? d : renumbered(d, number));
    }

    // Which (segment, slice) pairs hold anything.
    int[] segmentIndexOfLabel = new int[256];
    Arrays.fill(segmentIndexOfLabel, -1);
    for (int i = 0; i < sorted.size(); i++) if (sorted.get(i).number() <= 255) segmentIndexOfLabel[sorted.get(i).number()] = i;
    segmentIndexOfLabel[0] = -1; // background, whatever is described
    boolean[][] present = labels != null ? presenceOfLabels(sorted.size(), segmentIndexOfLabel, columns, frameSize, slices)
        : presenceOfMasks(sorted, frameSize, slices);

    // Frame plan.
    List<int[]> frames = new ArrayList<>(); // {segmentIndex or -1, slice}
    if (type == SegmentationType.LABELMAP) {
      for (int k = 0; k < slices; k++) {
        boolean any = false;
        for (boolean[] seg : present) any |= seg[k];
        if (any) frames.add(new int[] {-1, k});
      }
      if (frames.isEmpty()) frames.add(new int[] {-1, 0});
    } else {
      for (int s = 0; s < sorted.size(); s++) {
        int before = frames.size();
        for (int k = 0; k < slices; k++) if (present[s][k]) frames.add(new int[] {s, k});
        if (frames.size() == before) frames.add(new int[] {s, 0});
      }
    }
    FramePixels pixels = labels != null ? FramePixels.ofLabels(type, frames, frameSize, labels, segmentIndexOfLabel)
        : FramePixels.ofMasks(type, frames, frameSize, sorted.stream().map(d -> masksByNumber(d.number())).toList());
    if (pixels.length() > Integer.MAX_VALUE - 8) {
      throw invalid("segments", "pixel data of " + pixels.length() + " bytes exceeds the 2 GiB a DICOM value can hold; split the SEG");
    }

    try {
      AttributeList ds = dataset(written, frames, pixels, rows, columns, frameSize);
      return new Segmentation(ds, pixels, type, stringOf(ds, "SOPInstanceUID"), stringOf(ds, "SeriesInstanceUID"), frames.size(),
          written, labelToSegment);
    } catch (DicomException e) {
      throw new SegmentationException(Reason.INVALID_INPUT, "PixelMed rejected a value: " + e.getMessage(), e);
    }
  }

  /** One pass over the label map: which segment occurs on which slice; an undescribed value is refused. */
  private boolean[][] presenceOfLabels(int segments, int[] segmentIndexOfLabel, int columns, int frameSize, int slices)
      throws SegmentationException {
    boolean[][] present = new boolean[segments][slices];
    byte[] slice = new byte[frameSize];
    try (LabelSlices.Pass pass = labels.pass()) {
      for (int k = 0; k < slices; k++) {
        pass.next(slice);
        for (int p = 0; p < frameSize; p++) {
          // Most of a CT slice is background: skip eight zero voxels at a time.
          if ((p & 7) == 0 && p + 8 <= frameSize && (long) LONGS.get(slice, p) == 0L) {
            p += 7;
            continue;
          }
          int v = slice[p] & 0xFF;
          if (v != 0) {
            int s = segmentIndexOfLabel[v];
            if (s < 0) {
              throw new SegmentationException(Reason.UNDESCRIBED_LABEL, "label value " + v + " occurs (first at voxel i="
                  + (p % columns) + " j=" + (p / columns) + " k=" + k + ") but no segment description has number " + v);
            }
            present[s][k] = true;
          }
        }
      }
    } catch (java.io.IOException e) {
      throw new SegmentationException(Reason.INVALID_INPUT, "cannot read the label map: " + e.getMessage(), e);
    }
    return present;
  }

  private boolean[][] presenceOfMasks(List<SegmentDescription> sorted, int frameSize, int slices) {
    boolean[][] present = new boolean[sorted.size()][slices];
    for (int s = 0; s < sorted.size(); s++) {
      byte[] m = masksByNumber(sorted.get(s).number());
      for (int k = 0; k < slices; k++) {
        int base = k * frameSize;
        for (int p = 0; p < frameSize; p++) {
          if (m[base + p] != 0) { present[s][k] = true; break; }
        }
      }
    }
    return present;
  }

  private byte[] masksByNumber(int number) {
    for (Mask m : masks) if (m.description.number() == number) return m.values;
    throw new IllegalStateException("no mask " + number);
  }

  /**
   * "3D" promises frames that differ by position alone and sit on a regular grid (PS3.3 C.7.6.17.1):
   * true only with one segment (or LABELMAP, whose frames carry every segment) and with contiguous
   * slices, as highdicom decides; a multi-segment SEG or one with omitted slices between frames is not.
   */
  private static boolean framesFormOneRegularStack(List<int[]> frames) {
    if (frames.size() < 2) return false;
    int segment = frames.get(0)[0];
    for (int i = 0; i < frames.size(); i++) {
      if (frames.get(i)[0] != segment) return false;
      if (i > 0 && frames.get(i)[1] != frames.get(i - 1)[1] + 1) return false;
    }
    return true;
  }

  private String contentDigest(List<SegmentDescription> segments, FramePixels pixels) throws SegmentationException {
    java.security.MessageDigest md = Digests.sha256();
    md.update(type.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    try {
      pixels.writeTo(new java.security.DigestOutputStream(java.io.OutputStream.nullOutputStream(), md));
    } catch (java.io.IOException e) {
      throw new SegmentationException(Reason.INVALID_INPUT, "cannot read the label map: " + e.getMessage(), e);
    }
    for (SegmentDescription d : segments) {
      md.update((d.number() + "\0" + d.label() + "\0" + d.category() + "\0" + d.type() + "\0" + d.anatomicRegion() + "\0"
          + d.algorithmType() + "\0" + d.algorithmName() + "\0" + java.util.Arrays.toString(d.recommendedDisplayRgb()) + "\0"
          + d.details() + "\n")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return Digests.hex(md);
  }

  private AttributeList dataset(List<SegmentDescription> segments, List<int[]> frames, FramePixels pixels, int rows, int columns,
      int frameSize) throws DicomException, SegmentationException {
    // With a seed, the content is part of it: a retry with the same content gets the same UIDs, a
    // corrected label map under a reused seed new ones (a PACS keeping the first copy would drop it).
    Uids uids = new Uids(uidSeed == null ? null : uidSeed + "\0" + contentDigest(segments, pixels), source.context().seriesInstanceUid());
    String seriesUid = uids.uid("series:" + type);
    String instanceUid = uids.uid("instance:" + type);
    String dimensionUid = uids.uid("dimension-organization:" + type);
    LocalDateTime when = contentDateTime != null ? contentDateTime : LocalDateTime.now(zone);
    ZoneOffset offset = zone.getRules().getOffset(when);
    String date = DA.format(when), time = TM.format(when);

    AttributeList ds = new AttributeList();
    source.context().copyInto(ds);
    for (String k : List.of("PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyDate", "StudyTime",
        "ReferringPhysicianName", "StudyID", "AccessionNumber", "PositionReferenceIndicator")) {
      if (ds.get(org.secaimed.dicom.geometry.DicomAttributes.tag(k)) == null) putEmpty(ds, k);
    }
    put(ds, "SOPClassUID", type.sopClassUid());
    put(ds, "SOPInstanceUID", instanceUid);
    put(ds, "Modality", "SEG");
    put(ds, "SeriesInstanceUID", seriesUid);
    put(ds, "SeriesNumber", Integer.toString(seriesNumber));
    put(ds, "SeriesDescription", seriesDescription);
    put(ds, "SeriesDate", date);
    put(ds, "SeriesTime", time);
    put(ds, "InstanceNumber", Integer.toString(instanceNumber));
    put(ds, "ContentDate", date);
    put(ds, "ContentTime", time);
    // Without it a viewer shows the times as its own local time: 1-2 h off for a UTC clock in Central Europe.
    put(ds, "TimezoneOffsetFromUTC", java.time.format.DateTimeFormatter.ofPattern("xx").format(offset));
    put(ds, "ImageType", "DERIVED", "PRIMARY");
    put(ds, "Manufacturer", equipment.manufacturer());
    put(ds, "ManufacturerModelName", equipment.modelName());
    put(ds, "DeviceSerialNumber", equipment.serialNumber());
    put(ds, "SoftwareVersions", equipment.softwareVersions());
    put(ds, "ContentLabel", contentLabel);
    put(ds, "ContentDescription", contentDescription);
    if (contentCreatorName.isEmpty()) putEmpty(ds, "ContentCreatorName"); else put(ds, "ContentCreatorName", contentCreatorName);
    put(ds, "LossyImageCompression", "00");

    // Image Pixel
    putInts(ds, "SamplesPerPixel", 1);
    put(ds, "PhotometricInterpretation", "MONOCHROME2");
    putInts(ds, "Rows", rows);
    putInts(ds, "Columns", columns);
    put(ds, "NumberOfFrames", Integer.toString(frames.size()));
    int bits = type == SegmentationType.BINARY ? 1 : 8;
    putInts(ds, "BitsAllocated", bits);
    putInts(ds, "BitsStored", bits);
    putInts(ds, "HighBit", bits - 1);
    putInts(ds, "PixelRepresentation", 0);
    put(ds, "SegmentationType", type.name());
    if (type == SegmentationType.FRACTIONAL) {
      put(ds, "SegmentationFractionalType", "PROBABILITY");
      putInts(ds, "MaximumFractionalValue", 255);
    }
    if (type == SegmentationType.LABELMAP) putInts(ds, "PixelPaddingValue", 0);
    put(ds, "SegmentsOverlap", labels != null ? "NO" : "UNDEFINED");

    // Segment Sequence
    SequenceAttribute segSeq = sequence(ds, "SegmentSequence");
    if (type == SegmentationType.LABELMAP) {
      AttributeList bg = item(segSeq);
      putInts(bg, "SegmentNumber", 0);
      put(bg, "SegmentLabel", "Background");
      put(bg, "SegmentAlgorithmType", "MANUAL");
      putCode(bg, "SegmentedPropertyCategoryCodeSequence", CodedConcept.sct("309825002", "Spatial and Relational Concept"));
      putCode(bg, "SegmentedPropertyTypeCodeSequence", new CodedConcept("125040", "DCM", "Background"));
    }
    for (SegmentDescription d : segments) {
      AttributeList it = item(segSeq);
      putInts(it, "SegmentNumber", d.number());
      put(it, "SegmentLabel", d.label());
      put(it, "SegmentAlgorithmType", d.algorithmType().name());
      if (d.algorithmName() != null && !d.algorithmName().isBlank()) put(it, "SegmentAlgorithmName", d.algorithmName());
      if (d.algorithmType() != SegmentDescription.AlgorithmType.MANUAL && algorithmName != null) {
        AttributeList alg = item(sequence(it, "SegmentationAlgorithmIdentificationSequence"));
        putCode(alg, "AlgorithmFamilyCodeSequence", new CodedConcept("123110", "DCM", "Artificial Intelligence"));
        put(alg, "AlgorithmName", algorithmName);
        put(alg, "AlgorithmVersion", algorithmVersion);
      }
      putCode(it, "SegmentedPropertyCategoryCodeSequence", d.category());
      SegmentDetails x = d.details();
      AttributeList typeItem = item(sequence(it, "SegmentedPropertyTypeCodeSequence"));
      putCodeFields(typeItem, d.type());
      if (x.typeModifier() != null) putCode(typeItem, "SegmentedPropertyTypeModifierCodeSequence", x.typeModifier());
      if (d.anatomicRegion() != null) {
        AttributeList regionItem = item(sequence(it, "AnatomicRegionSequence"));
        putCodeFields(regionItem, d.anatomicRegion());
        if (x.anatomicRegionModifier() != null) putCode(regionItem, "AnatomicRegionModifierSequence", x.anatomicRegionModifier());
      }
      if (x.description() != null && !x.description().isBlank()) put(it, "SegmentDescription", x.description());
      if (x.trackingId() != null && !x.trackingId().isBlank()) put(it, "TrackingID", x.trackingId());
      if (x.trackingUid() != null) put(it, "TrackingUID", x.trackingUid());
      if (d.recommendedDisplayRgb() != null) putInts(it, "RecommendedDisplayCIELabValue", CieLab.fromRgb(d.recommendedDisplayRgb()));
    }

    // Dimensions: (segment, position) for BINARY/FRACTIONAL, position alone for LABELMAP.
    put(item(sequence(ds, "DimensionOrganizationSequence")), "DimensionOrganizationUID", dimensionUid);
    SequenceAttribute dimIndex = sequence(ds, "DimensionIndexSequence");
    if (type != SegmentationType.LABELMAP) {
      AttributeList d1 = item(dimIndex);
      put(d1, "DimensionOrganizationUID", dimensionUid);
      putTag(d1, "DimensionIndexPointer", "ReferencedSegmentNumber");
      putTag(d1, "FunctionalGroupPointer", "SegmentIdentificationSequence");
      put(d1, "DimensionDescriptionLabel", "ReferencedSegmentNumber");
    }
    AttributeList d2 = item(dimIndex);
    put(d2, "DimensionOrganizationUID", dimensionUid);
    putTag(d2, "DimensionIndexPointer", "ImagePositionPatient");
    putTag(d2, "FunctionalGroupPointer", "PlanePositionSequence");
    put(d2, "DimensionDescriptionLabel", "ImagePositionPatient");
    if (source.regular() && framesFormOneRegularStack(frames)) put(ds, "DimensionOrganizationType", "3D");

    // Shared functional groups: pixel measures and orientation from the source.
    AttributeList shared = item(sequence(ds, "SharedFunctionalGroupsSequence"));
    AttributeList measures = item(sequence(shared, "PixelMeasuresSequence"));
    put(measures, "PixelSpacing", source.pixelSpacingText());
    put(measures, "SliceThickness", source.sliceThicknessText() != null && !source.sliceThicknessText().isEmpty()
        ? source.sliceThicknessText() : Dcm.ds(source.sliceSpacing()));
    if (source.regular() && source.slices() > 1) put(measures, "SpacingBetweenSlices", Dcm.ds(source.sliceSpacing()));
    put(item(sequence(shared, "PlaneOrientationSequence")), "ImageOrientationPatient", source.orientationText());

    // Per-frame functional groups.
    SequenceAttribute perFrame = sequence(ds, "PerFrameFunctionalGroupsSequence");
    List<SourceFrame> src = source.frames();
    CodedConcept derivation = new CodedConcept("113076", "DCM", "Segmentation");
    CodedConcept purpose = new CodedConcept("121322", "DCM", "Source image for image processing operation");
    for (int[] fr : frames) {
      SourceFrame sf = src.get(fr[1]);
      AttributeList f = item(perFrame);
      AttributeList der = item(sequence(f, "DerivationImageSequence"));
      putCode(der, "DerivationCodeSequence", derivation);
      AttributeList srcImg = item(sequence(der, "SourceImageSequence"));
      put(srcImg, "ReferencedSOPClassUID", sf.sopClassUid());
      put(srcImg, "ReferencedSOPInstanceUID", sf.sopInstanceUid());
      if (sf.frameNumber() > 0) put(srcImg, "ReferencedFrameNumber", Integer.toString(sf.frameNumber()));
      putCode(srcImg, "PurposeOfReferenceCodeSequence", purpose);
      AttributeList content = item(sequence(f, "FrameContentSequence"));
      if (type == SegmentationType.LABELMAP) {
        putInts(content, "DimensionIndexValues", fr[1] + 1);
      } else {
        putInts(content, "DimensionIndexValues", segments.get(fr[0]).number(), fr[1] + 1);
      }
      put(item(sequence(f, "PlanePositionSequence")), "ImagePositionPatient", sf.positionText());
      if (type != SegmentationType.LABELMAP) {
        putInts(item(sequence(f, "SegmentIdentificationSequence")), "ReferencedSegmentNumber", segments.get(fr[0]).number());
      }
    }

    // Common Instance Reference: every source instance, once.
    AttributeList refSeries = item(sequence(ds, "ReferencedSeriesSequence"));
    put(refSeries, "SeriesInstanceUID", source.context().seriesInstanceUid());
    SequenceAttribute refInstances = sequence(refSeries, "ReferencedInstanceSequence");
    Set<String> seen = new LinkedHashSet<>();
    for (SourceFrame sf : src) {
      if (seen.add(sf.sopInstanceUid())) {
        AttributeList r = item(refInstances);
        put(r, "ReferencedSOPClassUID", sf.sopClassUid());
        put(r, "ReferencedSOPInstanceUID", sf.sopInstanceUid());
      }
    }

    // Pixel Data is not in the list: Segmentation streams it after the rest (it is the last element).
    clinical.applyTo(ds, source.context().laterality());
    TextEncoding.apply(ds);
    FileMetaInformation.addFileMetaInformation(ds, Segmentation.EXPLICIT_VR_LITTLE_ENDIAN, "SECAIMED");
    return ds;
  }

  private void checkLabelGeometry(ImageGeometry g) throws SegmentationException {
    ImageGeometry s;
    try {
      s = source.geometry();
    } catch (SeriesAssemblyException e) {
      throw new SegmentationException(Reason.GEOMETRY_MISMATCH, "a label volume needs a regular source grid: " + e.getMessage(), e);
    }
    if (g.columns() != s.columns() || g.rows() != s.rows() || g.slices() != s.slices()) {
      throw new SegmentationException(Reason.GEOMETRY_MISMATCH, "label volume is " + g.columns() + "x" + g.rows() + "x" + g.slices()
          + ", the source series " + s.columns() + "x" + s.rows() + "x" + s.slices());
    }
    // Compare where the far corner voxels sit: catches origin, spacing and direction differences at once.
    for (int[] c : new int[][] {{0, 0, 0}, {g.columns() - 1, 0, 0}, {0, g.rows() - 1, 0}, {0, 0, g.slices() - 1}}) {
      double[] a = g.positionOf(c[0], c[1], c[2]), b = s.positionOf(c[0], c[1], c[2]);
      for (int i = 0; i < 3; i++) {
        if (Math.abs(a[i] - b[i]) > GEOMETRY_TOLERANCE_MM) {
          throw new SegmentationException(Reason.GEOMETRY_MISMATCH, "label voxel " + Arrays.toString(c) + " lies at "
              + Arrays.toString(a) + " mm but the source voxel at " + Arrays.toString(b) + " mm (tolerance " + GEOMETRY_TOLERANCE_MM + " mm)");
        }
      }
    }
  }

  private void validateText() throws SegmentationException {
    if (contentLabel == null || !CS.matcher(contentLabel).matches()) {
      throw invalid("ContentLabel", "'" + contentLabel + "' must be 1-16 characters of A-Z, 0-9, space, underscore");
    }
    lo("SeriesDescription", seriesDescription);
    lo("ContentDescription", contentDescription);
    if (contentCreatorName == null || contentCreatorName.length() > 64) throw invalid("ContentCreatorName", "at most 64 characters");
    if (seriesNumber < 1 || seriesNumber > 99999) throw invalid("SeriesNumber", seriesNumber + " out of 1..99999");
    if (instanceNumber < 1) throw invalid("InstanceNumber", instanceNumber + " must be positive");
    lo("Manufacturer", equipment.manufacturer());
    lo("ManufacturerModelName", equipment.modelName());
    lo("DeviceSerialNumber", equipment.serialNumber());
    lo("SoftwareVersions", equipment.softwareVersions());
    for (String v : new String[] {equipment.manufacturer(), equipment.modelName(), equipment.serialNumber(), equipment.softwareVersions()}) {
      if (v.isBlank()) throw invalid("Equipment", "manufacturer, model, serial number and software versions are Type 1 (non-empty)");
    }
    if ((algorithmName == null) != (algorithmVersion == null) || (algorithmName != null && (algorithmName.isBlank() || algorithmVersion.isBlank()))) {
      throw invalid("algorithm", "name and version are both required");
    }
    List<SegmentDescription> all = labels != null ? labelDescriptions : masks.stream().map(Mask::description).toList();
    for (SegmentDescription d : all) {
      if (d.label().length() > 64) throw invalid("segment " + d.number() + " SegmentLabel", "at most 64 characters");
      for (CodedConcept c : new CodedConcept[] {d.category(), d.type(), d.anatomicRegion()}) {
        if (c != null && (c.value().length() > 16 || c.scheme().length() > 16 || c.meaning().length() > 64)) {
          throw invalid("segment " + d.number() + " code " + c.value(), "CodeValue/CodingSchemeDesignator at most 16, CodeMeaning at most 64 characters");
        }
      }
    }
  }

  private void lo(String field, String v) throws SegmentationException {
    if (v == null) throw invalid(field, "is required");
    if (v.length() > 64 || v.contains("\\")) throw invalid(field, "at most 64 characters, no backslash");
  }

  private static SegmentDescription renumbered(SegmentDescription d, int number) {
    return new SegmentDescription(number, d.label(), d.category(), d.type(), d.anatomicRegion(), d.algorithmType(),
        d.algorithmName(), d.recommendedDisplayRgb());
  }

  private static String stringOf(AttributeList ds, String keyword) {
    return org.secaimed.dicom.geometry.DicomAttributes.string(ds, keyword);
  }

  private static SegmentationException invalid(String field, String message) {
    return new SegmentationException(Reason.INVALID_INPUT, field + ": " + message);
  }
}
