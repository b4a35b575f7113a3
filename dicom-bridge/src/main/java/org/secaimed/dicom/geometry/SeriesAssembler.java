package org.secaimed.dicom.geometry;

import static org.secaimed.dicom.geometry.DicomAttributes.doubles;
import static org.secaimed.dicom.geometry.DicomAttributes.functionalGroup;
import static org.secaimed.dicom.geometry.DicomAttributes.integer;
import static org.secaimed.dicom.geometry.DicomAttributes.item;
import static org.secaimed.dicom.geometry.DicomAttributes.string;
import static org.secaimed.dicom.geometry.DicomAttributes.strings;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.SequenceInputStream;
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

  /** Transfer syntaxes whose pixel data PixelMed decodes without extra codecs. */
  static final Set<String> SUPPORTED_TRANSFER_SYNTAXES = Set.of(
      "1.2.840.10008.1.2",       // Implicit VR Little Endian
      "1.2.840.10008.1.2.1",     // Explicit VR Little Endian
      "1.2.840.10008.1.2.1.99",  // Deflated Explicit VR Little Endian
      "1.2.840.10008.1.2.2",     // Explicit VR Big Endian (retired, still met)
      "1.2.840.10008.1.2.5");    // RLE Lossless

  static final double ORIENTATION_TOLERANCE = 1e-4;
  static final double POSITION_TOLERANCE_MM = 0.01;
  static final double DUPLICATE_TOLERANCE_MM = 0.001;
  static final double SPACING_RELATIVE_TOLERANCE = 0.001;

  private static final Set<String> NON_IMAGE_MODALITIES = Set.of("SEG", "SR", "RTSTRUCT", "PR", "KO", "REG", "RTPLAN", "RTDOSE");

  private boolean withPixels = true;
  private boolean allowIrregularSpacing = false;

  private final List<Slice> slices = new ArrayList<>();
  private final List<String> skipped = new ArrayList<>();
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

  /** Adds one file; a file without the DICM preamble is recorded as skipped, a broken DICOM file fails. */
  public SeriesAssembler addFile(Path file) throws SeriesAssemblyException, IOException {
    String name = file.getFileName().toString();
    if (!hasDicomPreamble(file)) {
      skipped.add(name + ": not a DICOM Part 10 file");
      return this;
    }
    AttributeList list;
    try (InputStream in = Files.newInputStream(file)) {
      list = read(in, name);
    }
    return add(list, name);
  }

  /** Reads one Part 10 (or raw dataset) stream, e.g. one part of a WADO-RS response. */
  public SeriesAssembler addStream(InputStream in, String source) throws SeriesAssemblyException {
    AttributeList list = read(in, source);
    return add(list, source);
  }

  /**
   * Parses one instance. The meta header is read first so that an undecodable transfer syntax is
   * reported as such instead of as whatever PixelMed's decompressor throws.
   */
  static AttributeList read(InputStream raw, String source) throws SeriesAssemblyException {
    InputStream in;
    try {
      // DicomInputStream marks and resets its source itself, so peek at the meta header through a copy.
      byte[] head = raw.readNBytes(1 << 16);
      try {
        AttributeList meta = new AttributeList();
        meta.readOnlyMetaInformationHeader(new DicomInputStream(new ByteArrayInputStream(head)));
        String ts = string(meta, "TransferSyntaxUID");
        if (ts != null && !ts.isEmpty() && !SUPPORTED_TRANSFER_SYNTAXES.contains(ts)) throw unsupported(source, ts);
      } catch (DicomException | IOException | RuntimeException e) {
        // No meta header (a raw dataset): the full read below decides.
      }
      in = new BufferedInputStream(new SequenceInputStream(new ByteArrayInputStream(head), raw));
    } catch (IOException e) {
      throw new SeriesAssemblyException(Reason.UNREADABLE, source, null, "cannot read: " + e.getMessage(), e);
    }
    try {
      AttributeList list = new AttributeList();
      list.read(new DicomInputStream(in));
      return list;
    } catch (DicomException | IOException | RuntimeException e) {
      // PixelMed reports truncation as EOFException or as odd runtime exceptions deep in the parser.
      throw new SeriesAssemblyException(Reason.UNREADABLE, source, null, "cannot parse DICOM: " + e, e);
    }
  }

  private static SeriesAssemblyException unsupported(String who, String ts) {
    return new SeriesAssemblyException(Reason.UNSUPPORTED_TRANSFER_SYNTAX, who, "TransferSyntaxUID",
        "pixel data in " + ts + " cannot be decoded here; request Explicit VR Little Endian (1.2.840.10008.1.2.1)");
  }

  /** Adds one instance given as bytes (Part 10 or a raw dataset), e.g. an entry of a study archive. */
  public SeriesAssembler addBytes(byte[] dicom, String source) throws SeriesAssemblyException {
    return add(read(new ByteArrayInputStream(dicom), source), source);
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
    String ts = string(list, "TransferSyntaxUID");
    if (ts != null && !ts.isEmpty() && !SUPPORTED_TRANSFER_SYNTAXES.contains(ts)) {
      throw unsupported(who, ts);
    }
    if (context == null) {
      String forUid = string(list, "FrameOfReferenceUID");
      if (forUid == null || forUid.isEmpty()) throw missing(who, "FrameOfReferenceUID");
      context = new SeriesContext(list);
      firstInstance = who;
    } else {
      if (!series.equals(context.seriesInstanceUid())) {
        throw new SeriesAssemblyException(Reason.MIXED_SERIES, who, "SeriesInstanceUID",
            "belongs to series " + series + " but " + firstInstance + " to " + context.seriesInstanceUid());
      }
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

    PixelDecoder.checkComplete(list, who, rows, columns, frames);
    int[][] raw = withPixels ? PixelDecoder.decode(list, who, rows, columns, frames) : null;
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
        pixels = PixelDecoder.rescale(raw[f], transform == null ? list : transform, where);
        raw[f] = null;
      }
      SourceFrame frame = new SourceFrame(sopClass, sop, enhanced || frames > 1 ? f + 1 : 0, ipp, ippText, source);
      slices.add(new Slice(frame, iop, iopText, spacing, spacingText, thickness, rows, columns, pixels));
    }
    return this;
  }

  /** Orders, checks and assembles what was added. */
  public AssembledSeries assemble() throws SeriesAssemblyException {
    if (slices.isEmpty()) {
      throw new SeriesAssemblyException(Reason.EMPTY, null, null,
          "no image instances" + (skipped.isEmpty() ? "" : " (skipped: " + String.join("; ", skipped) + ")"));
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
      double tol = POSITION_TOLERANCE_MM + SPACING_RELATIVE_TOLERANCE * spacing;
      for (int k = 1; k < n; k++) {
        double gap = dist[k] - dist[k - 1];
        if (Math.abs(gap - spacing) > tol) {
          irregular.add("gap of " + fmt(gap) + " mm before " + sorted.get(k).frame.describe() + " (mean " + fmt(spacing) + " mm)");
        }
      }
      if (!irregular.isEmpty() && !allowIrregularSpacing) {
        throw new SeriesAssemblyException(Reason.IRREGULAR_SPACING, firstIrregular(sorted, dist, spacing, tol), "ImagePositionPatient",
            String.join("; ", irregular));
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
        orientation, first.orientationText, normal, dist, spacing, first.thicknessText, irregular, voxels, skipped);
    slices.clear();
    return result;
  }

  private static String firstIrregular(List<Slice> sorted, double[] dist, double mean, double tol) {
    for (int k = 1; k < dist.length; k++) {
      if (Math.abs(dist[k] - dist[k - 1] - mean) > tol) return sorted.get(k).frame.describe();
    }
    return null;
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

  static boolean hasDicomPreamble(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(132);
      return head.length == 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M';
    }
  }

}
