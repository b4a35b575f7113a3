package org.secaimed.dicom.geometry;

import static org.secaimed.dicom.geometry.DicomAttributes.doubles;
import static org.secaimed.dicom.geometry.DicomAttributes.functionalGroup;
import static org.secaimed.dicom.geometry.DicomAttributes.integer;
import static org.secaimed.dicom.geometry.DicomAttributes.item;
import static org.secaimed.dicom.geometry.DicomAttributes.string;
import static org.secaimed.dicom.geometry.DicomAttributes.strings;

import com.pixelmed.dicom.AttributeList;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.secaimed.dicom.geometry.SeriesAssemblyException.Reason;

/**
 * Builds an {@link AssembledSeries} from the instances of one series, given one at a time (files,
 * or PixelMed {@link AttributeList}s as a DICOMweb pull streams them) so that no caller has to hold
 * a whole series of parsed objects: only each slice's pixels are kept.
 *
 * <p>Checks, with these tolerances: one Series Instance UID and one Frame of Reference; identical
 * rows, columns and pixel spacing (1e-4 relative); identical orthonormal orientation (1e-4 per
 * direction cosine); positions collinear along the slice normal (0.01 mm), no two within 0.001 mm;
 * regular gaps (each within 0.01 mm + 0.1% of the mean gap). Not thread-safe: one per series.
 */
public final class SeriesAssembler {

  static final double ORIENTATION_TOLERANCE = 1e-4;
  static final double POSITION_TOLERANCE_MM = 0.01;
  static final double DUPLICATE_TOLERANCE_MM = 0.001;
  static final double SPACING_RELATIVE_TOLERANCE = 0.001;

  private static final String DICOMDIR_CLASS = "1.2.840.10008.1.3.10";
  private static final Set<String> NON_IMAGE_MODALITIES = Set.of("SEG", "SR", "RTSTRUCT", "PR", "KO", "REG", "RTPLAN", "RTDOSE");

  private boolean withPixels = true;
  private boolean allowIrregularSpacing = false;
  private String wantedSeries;
  private final SeriesInventory inventory = new SeriesInventory();
  private final List<String> notes = new ArrayList<>();

  private final List<Slice> slices = new ArrayList<>();
  private final List<String> skipped = new ArrayList<>();
  private final List<String> rawFiles = new ArrayList<>();
  private SeriesContext context;
  private String firstInstance;
  private int added;

  private record Slice(SourceFrame frame, double[] orientation, String[] orientationText, double[] spacing,
      String[] spacingText, String thicknessText, int rows, int columns, short[] pixels) {}

  public static SeriesAssembler create() {
    return new SeriesAssembler();
  }

  /** Whether to decode pixels into the volume (default true). The SEG writer and reader need only geometry. */
  public SeriesAssembler withPixels(boolean load) {
    this.withPixels = load;
    return this;
  }

  /**
   * Accept irregular slice gaps (default false). The result then has frames and positions (enough to
   * reference or read a SEG) but no {@link AssembledSeries#geometry()}.
   */
  public SeriesAssembler allowIrregularSpacing(boolean allow) {
    this.allowIrregularSpacing = allow;
    return this;
  }

  /**
   * Takes only the instances of this series; the others are skipped. Without it, instances of more
   * than one image series are an error ({@link Reason#MIXED_SERIES}) that lists every series.
   */
  public SeriesAssembler seriesUid(String seriesInstanceUid) {
    this.wantedSeries = seriesInstanceUid == null || seriesInstanceUid.isBlank() ? null : seriesInstanceUid.trim();
    return this;
  }

  /** Reads every DICOM file in {@code dir} (not recursive); non-DICOM files and non-image objects are skipped. */
  public static AssembledSeries fromDirectory(Path dir) throws SeriesAssemblyException, IOException {
    return create().addDirectory(dir).assemble();
  }

  public SeriesAssembler addDirectory(Path dir) throws SeriesAssemblyException, IOException {
    if (!Files.isDirectory(dir)) throw new IOException("not a directory: " + dir);
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : files) addFile(f);
    return this;
  }

  /**
   * Adds one file. A file that is not DICOM, a DICOMDIR, a non-image object and a byte-identical
   * copy of an instance already added are recorded as skipped; a broken DICOM file fails.
   */
  public SeriesAssembler addFile(Path file) throws SeriesAssemblyException, IOException {
    return addBytes(Files.readAllBytes(file), file.getFileName().toString());
  }

  /** Reads one Part 10 (or raw dataset) stream, e.g. one part of a WADO-RS response. */
  public SeriesAssembler addStream(InputStream in, String source) throws SeriesAssemblyException {
    byte[] bytes;
    try {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new SeriesAssemblyException(Reason.UNREADABLE, source, null, "cannot read: " + e.getMessage(), e);
    }
    return addBytes(bytes, source);
  }

  /** Adds one instance given as bytes (Part 10 or a raw dataset), e.g. an entry of a study archive. */
  public SeriesAssembler addBytes(byte[] dicom, String source) throws SeriesAssemblyException {
    InstanceReader.Parsed parsed = InstanceReader.parse(dicom, source, withPixels);
    if (parsed == null) {
      skipped.add(source + ": not DICOM");
      return this;
    }
    if (DICOMDIR_CLASS.equals(parsed.mediaStorageSopClassUid()) || DicomAttributes.sequence(parsed.list(), "DirectoryRecordSequence") != null) {
      skipped.add(source + ": DICOMDIR (a media directory, not an image)");
      return this;
    }
    if (!parsed.hasPixelData()) {
      skipped.add(source + ": no pixel data, not an image");
      return this;
    }
    String duplicateOf = inventory.duplicateOf(parsed.list(), dicom, source);
    if (duplicateOf != null) {
      skipped.add(source + ": byte-identical copy of " + duplicateOf);
      return this;
    }
    if (parsed.rawDataset()) rawFiles.add(source);
    return add(parsed.list(), source, parsed);
  }

  /** Adds every list of an iterator (the streaming form): each is dropped after its slice is taken. */
  public SeriesAssembler addAll(Iterator<AttributeList> lists) throws SeriesAssemblyException {
    while (lists.hasNext()) add(lists.next(), "instance #" + (added + 1));
    return this;
  }

  /**
   * Adds one parsed instance. {@code source} names it in errors when it has no SOP Instance UID.
   * Non-image objects (SEG, SR, ...) are recorded as skipped.
   */
  public SeriesAssembler add(AttributeList list, String source) throws SeriesAssemblyException {
    return add(list, source, null);
  }

  private SeriesAssembler add(AttributeList list, String source, InstanceReader.Parsed parsed) throws SeriesAssemblyException {
    added++;
    String sop = string(list, "SOPInstanceUID");
    String who = sop != null && !sop.isEmpty() ? sop + " (" + source + ")" : source;
    String modality = string(list, "Modality");
    if (modality != null && NON_IMAGE_MODALITIES.contains(modality.toUpperCase(Locale.ROOT))) {
      skipped.add(source + ": " + modality + " object, not an image");
      return this;
    }
    if (sop == null || sop.isEmpty()) throw missing(who, "SOPInstanceUID");
    String sopClass = require(list, who, "SOPClassUID");
    String series = require(list, who, "SeriesInstanceUID");
    if (lacksGeometry(list)) {
      skipped.add(source + ": image without patient geometry (no Frame of Reference or Image Position), e.g. a secondary capture");
      return this;
    }
    if (!inventory.count(list, series, who)) {
      throw new SeriesAssemblyException(Reason.DUPLICATE_INSTANCE, who, "SOPInstanceUID",
          "the same SOP Instance UID was given twice with different content");
    }
    if (wantedSeries != null && !wantedSeries.equals(series)) return this;
    if (wantedSeries == null && context != null && !series.equals(context.seriesInstanceUid())) return this; // reported by assemble()
    if (context == null) {
      String forUid = string(list, "FrameOfReferenceUID");
      if (forUid == null || forUid.isEmpty()) throw missing(who, "FrameOfReferenceUID");
      context = new SeriesContext(list);
      firstInstance = who;
    } else {
      String forUid = string(list, "FrameOfReferenceUID");
      if (forUid == null || forUid.isEmpty()) throw missing(who, "FrameOfReferenceUID");
      if (!forUid.equals(context.frameOfReferenceUid())) {
        throw new SeriesAssemblyException(Reason.MIXED_FRAME_OF_REFERENCE, who, "FrameOfReferenceUID",
            "has " + forUid + " but " + firstInstance + " has " + context.frameOfReferenceUid());
      }
    }
    Integer rows = integer(list, "Rows");
    Integer columns = integer(list, "Columns");
    if (rows == null || rows <= 0) throw missing(who, "Rows");
    if (columns == null || columns <= 0) throw missing(who, "Columns");
    Integer nf = integer(list, "NumberOfFrames");
    int frames = nf == null || nf < 1 ? 1 : nf;
    AttributeList shared = item(list, "SharedFunctionalGroupsSequence", 0);
    boolean enhanced = DicomAttributes.sequence(list, "PerFrameFunctionalGroupsSequence") != null;

    PixelDecoder.checkComplete(list, who, rows, columns, frames, parsed);
    PixelDecoder.Stored raw = withPixels ? PixelDecoder.stored(list, who, rows, columns, frames) : null;
    for (int f = 0; f < frames; f++) {
      String where = enhanced ? who + " frame " + (f + 1) : who;
      AttributeList perFrame = enhanced ? item(list, "PerFrameFunctionalGroupsSequence", f) : null;
      if (enhanced && perFrame == null) throw missing(where, "PerFrameFunctionalGroupsSequence");
      AttributeList pos = enhanced ? functionalGroup(perFrame, shared, "PlanePositionSequence") : list;
      AttributeList ori = enhanced ? functionalGroup(perFrame, shared, "PlaneOrientationSequence") : list;
      AttributeList meas = enhanced ? functionalGroup(perFrame, shared, "PixelMeasuresSequence") : list;
      String[] ippText = strings(pos, "ImagePositionPatient");
      double[] ipp = doubles(pos, "ImagePositionPatient");
      if (ipp == null || ipp.length != 3) throw missing(where, "ImagePositionPatient");
      String[] iopText = strings(ori, "ImageOrientationPatient");
      double[] iop = doubles(ori, "ImageOrientationPatient");
      if (iop == null || iop.length != 6) throw missing(where, "ImageOrientationPatient");
      String[] spacingText = strings(meas, "PixelSpacing");
      double[] spacing = doubles(meas, "PixelSpacing");
      if (spacing == null || spacing.length != 2 || !(spacing[0] > 0) || !(spacing[1] > 0)) throw missing(where, "PixelSpacing");
      String thickness = string(meas, "SliceThickness");
      short[] pixels = null;
      if (raw != null) {
        AttributeList transform = enhanced ? functionalGroup(perFrame, shared, "PixelValueTransformationSequence") : list;
        pixels = raw.rescaled(f, transform == null ? list : transform, where);
      }
      SourceFrame frame = new SourceFrame(sopClass, sop, enhanced || frames > 1 ? f + 1 : 0, ipp, ippText, source);
      slices.add(new Slice(frame, iop, iopText, spacing, spacingText, thickness, rows, columns, pixels));
    }
    return this;
  }

  /** Orders, checks and assembles what was added. */
  public AssembledSeries assemble() throws SeriesAssemblyException {
    if (wantedSeries == null && inventory.seriesCount() > 1) {
      throw new SeriesAssemblyException(Reason.MIXED_SERIES, null, "SeriesInstanceUID",
          inventory.seriesCount() + " image series were given; choose one by its Series Instance UID (--series-uid): " + inventory.describe());
    }
    if (slices.isEmpty()) {
      String others = inventory.seriesCount() == 0 ? "" : "; present: " + inventory.describe();
      throw new SeriesAssemblyException(Reason.EMPTY, null, null,
          (wantedSeries == null ? "no image instances" : "no image instances of series " + wantedSeries)
              + (skipped.isEmpty() ? "" : " (skipped: " + String.join("; ", skipped) + ")") + others);
    }
    Slice first = slices.get(0);
    double[] row = unit(first, 0);
    double[] col = unit(first, 3);
    if (Math.abs(AssembledSeries.dot(row, col)) > 1e-3) {
      throw new SeriesAssemblyException(Reason.INCONSISTENT_ORIENTATION, first.frame.describe(), "ImageOrientationPatient",
          "row and column directions are not orthogonal");
    }
    double[] normal = cross(row, col);
    for (int a = 0; a < 3; a++) normal[a] += 0.0; // no -0.0 in results
    for (Slice s : slices) {
      if (s.rows != first.rows || s.columns != first.columns) {
        throw new SeriesAssemblyException(Reason.INCONSISTENT_SIZE, s.frame.describe(), "Rows/Columns",
            s.rows + "x" + s.columns + " differs from " + first.rows + "x" + first.columns + " of " + first.frame.describe());
      }
      for (int a = 0; a < 2; a++) {
        if (Math.abs(s.spacing[a] - first.spacing[a]) > 1e-4 * first.spacing[a]) {
          throw new SeriesAssemblyException(Reason.INCONSISTENT_SIZE, s.frame.describe(), "PixelSpacing",
              s.spacing[0] + "\\" + s.spacing[1] + " differs from " + first.spacing[0] + "\\" + first.spacing[1]);
        }
      }
      double[] r = unit(s, 0), c = unit(s, 3);
      for (int a = 0; a < 3; a++) {
        if (Math.abs(r[a] - row[a]) > ORIENTATION_TOLERANCE || Math.abs(c[a] - col[a]) > ORIENTATION_TOLERANCE) {
          throw new SeriesAssemblyException(Reason.INCONSISTENT_ORIENTATION, s.frame.describe(), "ImageOrientationPatient",
              String.join("\\", s.orientationText) + " differs from " + String.join("\\", first.orientationText));
        }
      }
    }
    List<Slice> sorted = new ArrayList<>(slices);
    sorted.sort(Comparator.comparingDouble(s -> AssembledSeries.dot(s.frame.position(), normal)));
    int n = sorted.size();
    double[] dist = new double[n];
    for (int k = 0; k < n; k++) dist[k] = AssembledSeries.dot(sorted.get(k).frame.position(), normal);
    double[] p0 = sorted.get(0).frame.position();
    for (int k = 1; k < n; k++) {
      Slice s = sorted.get(k);
      if (dist[k] - dist[k - 1] < DUPLICATE_TOLERANCE_MM) {
        throw new SeriesAssemblyException(Reason.DUPLICATE_POSITION, s.frame.describe(), "ImagePositionPatient",
            "same position as " + sorted.get(k - 1).frame.describe());
      }
      double[] p = s.frame.position();
      for (int a = 0; a < 3; a++) {
        double inPlane = p[a] - p0[a] - (dist[k] - dist[0]) * normal[a];
        if (Math.abs(inPlane) > POSITION_TOLERANCE_MM) {
          throw new SeriesAssemblyException(Reason.NOT_COLLINEAR, s.frame.describe(), "ImagePositionPatient",
              "slice origin is offset " + fmt(inPlane) + " mm from the line along the normal through " + sorted.get(0).frame.describe()
                  + " (tilted or sheared stack)");
        }
      }
    }
    double spacing;
    List<String> irregular = new ArrayList<>();
    if (n == 1) {
      spacing = first.thicknessText != null ? parseOr(first.thicknessText, 1.0) : 1.0;
    } else {
      spacing = (dist[n - 1] - dist[0]) / (n - 1);
      // Judge each gap against the median gap, not the mean: one missing slice shifts the mean so that
      // every gap looks wrong, and the error would name the first slice instead of the hole.
      double typical = medianGap(dist);
      double tol = POSITION_TOLERANCE_MM + SPACING_RELATIVE_TOLERANCE * typical;
      String firstIrregular = null;
      for (int k = 1; k < n; k++) {
        double gap = dist[k] - dist[k - 1];
        if (Math.abs(gap - typical) > tol) {
          Slice before = sorted.get(k - 1), after = sorted.get(k);
          if (firstIrregular == null) firstIrregular = named(after);
          irregular.add("gap of " + fmt(gap) + " mm between " + named(before) + " and " + named(after) + " (the other gaps are "
              + fmt(typical) + " mm" + (gap > typical ? "; missing slice?" : "") + ")");
        }
      }
      if (!irregular.isEmpty() && !allowIrregularSpacing) {
        throw new SeriesAssemblyException(Reason.IRREGULAR_SPACING, firstIrregular, "ImagePositionPatient", String.join("; ", irregular));
      }
    }
    short[] voxels = null;
    if (withPixels) {
      int frameSize = first.rows * first.columns;
      voxels = new short[Math.multiplyExact(frameSize, n)];
      for (int k = 0; k < n; k++) System.arraycopy(sorted.get(k).pixels, 0, voxels, k * frameSize, frameSize);
    }
    List<SourceFrame> frames = sorted.stream().map(Slice::frame).toList();
    double[] orientation = {row[0], row[1], row[2], col[0], col[1], col[2]};
    AssembledSeries result = new AssembledSeries(context, frames, first.rows, first.columns, first.spacing, first.spacingText,
        orientation, first.orientationText, normal, dist, spacing, first.thicknessText, irregular, voxels, skipped, notes());
    slices.clear();
    return result;
  }

  private static double medianGap(double[] dist) {
    double[] gaps = new double[dist.length - 1];
    for (int k = 1; k < dist.length; k++) gaps[k - 1] = dist[k] - dist[k - 1];
    java.util.Arrays.sort(gaps);
    int m = gaps.length / 2;
    return gaps.length % 2 == 1 ? gaps[m] : (gaps[m - 1] + gaps[m]) / 2;
  }

  private static String named(Slice s) {
    String source = s.frame.source();
    return source == null || source.equals(s.frame.sopInstanceUid()) ? s.frame.describe() : s.frame.describe() + " (" + source + ")";
  }

  private static double[] unit(Slice s, int offset) throws SeriesAssemblyException {
    double[] v = {s.orientation[offset], s.orientation[offset + 1], s.orientation[offset + 2]};
    double len = Math.sqrt(AssembledSeries.dot(v, v));
    if (Math.abs(len - 1) > 1e-3) {
      throw new SeriesAssemblyException(Reason.INCONSISTENT_ORIENTATION, s.frame.describe(), "ImageOrientationPatient",
          "direction cosines are not unit vectors: " + String.join("\\", s.orientationText));
    }
    for (int a = 0; a < 3; a++) v[a] /= len;
    return v;
  }

  static double[] cross(double[] a, double[] b) {
    return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
  }

  private static double parseOr(String s, double dflt) {
    try {
      double v = Double.parseDouble(s.trim());
      return v > 0 ? v : dflt;
    } catch (NumberFormatException e) {
      return dflt;
    }
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static String require(AttributeList list, String who, String keyword) throws SeriesAssemblyException {
    String v = string(list, keyword);
    if (v == null || v.isEmpty()) throw missing(who, keyword);
    return v;
  }

  private static SeriesAssemblyException missing(String who, String keyword) {
    return new SeriesAssemblyException(Reason.MISSING_ATTRIBUTE, who, keyword, keyword + " is missing or empty");
  }

  private List<String> notes() {
    List<String> n = new ArrayList<>(notes);
    if (!rawFiles.isEmpty()) {
      n.add(rawFiles.size() + " file(s) without a Part 10 header were read as raw datasets (" + String.join(", ",
          rawFiles.size() > 5 ? rawFiles.subList(0, 5) : rawFiles) + (rawFiles.size() > 5 ? ", ..." : "") + ")");
    }
    return n;
  }

  /** An image that cannot be placed in patient space (a secondary capture, a scanned document). */
  private static boolean lacksGeometry(AttributeList list) {
    boolean enhanced = DicomAttributes.sequence(list, "PerFrameFunctionalGroupsSequence") != null;
    String forUid = string(list, "FrameOfReferenceUID");
    return !enhanced && (forUid == null || forUid.isEmpty()) && strings(list, "ImagePositionPatient") == null;
  }

}
