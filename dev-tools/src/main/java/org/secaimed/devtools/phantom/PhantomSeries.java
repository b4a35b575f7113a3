package org.secaimed.devtools.phantom;

import org.secaimed.connector.io.AtomicFiles;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.geometry.SeriesAssemblyException;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.seg.Segmentation;
import org.secaimed.dicom.seg.SegmentationBuilder;
import org.secaimed.dicom.seg.SegmentationException;
import org.secaimed.dicom.seg.SegmentationType;
import org.secaimed.dicom.volume.ImageGeometry;

/**
 * The phantom as a DICOM CT series (CT Image Storage, Explicit VR Little Endian, 16-bit signed,
 * stored value = HU + 1024 with RescaleIntercept -1024). UIDs are derived from the seed and size
 * (2.25 UUID form), so regenerating gives identical bytes. Instances are produced one at a time.
 */
public final class PhantomSeries {
  private final CtPhantom phantom;
  private final String studyUid, seriesUid, frameOfReferenceUid;

  public PhantomSeries(CtPhantom phantom) {
    this.phantom = phantom;
    this.studyUid = uid("study");
    this.seriesUid = uid("series");
    this.frameOfReferenceUid = uid("frame-of-reference");
  }

  public CtPhantom phantom() {
    return phantom;
  }

  public String studyInstanceUid() {
    return studyUid;
  }

  public String seriesInstanceUid() {
    return seriesUid;
  }

  public String frameOfReferenceUid() {
    return frameOfReferenceUid;
  }

  public int size() {
    return phantom.geometry().slices();
  }

  public String sopInstanceUid(int k) {
    return uid("instance-" + k);
  }

  /** Derived UID "2.25.&lt;decimal UUID&gt;" for a role, unique per (seed, size, role). */
  public String uid(String role) {
    ImageGeometry g = phantom.geometry();
    String name = "secaimed-ct-phantom:" + phantom.seed() + ":" + g.columns() + "x" + g.rows() + "x" + g.slices() + ":" + role;
    UUID u = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    ByteBuffer b = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
    return "2.25." + new BigInteger(1, b.array());
  }

  /** The Part 10 bytes of slice {@code k} (about 0.5 MB at 512x512). */
  public byte[] instance(int k) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(phantom.geometry().frameSize() * 2 + 4096);
    try {
      write(k, out);
    } catch (IOException e) {
      throw new IllegalStateException("in-memory write failed", e);
    }
    return out.toByteArray();
  }

  /** Writes slice {@code k} as Part 10 to {@code out}. */
  public void write(int k, OutputStream out) throws IOException {
    try {
      attributes(k).write(out, TransferSyntax.ExplicitVRLittleEndian, true, true);
    } catch (DicomException e) {
      throw new IOException("cannot encode phantom slice " + k + ": " + e.getMessage(), e);
    }
  }

  /** Writes every slice as {@code CT000001.dcm}... into {@code directory} (each via a temp file, then moved). */
  public List<Path> writeTo(Path directory) throws IOException {
    Files.createDirectories(directory);
    List<Path> files = new ArrayList<>();
    for (int k = 0; k < size(); k++) {
      Path target = directory.resolve(String.format("CT%06d.dcm", k + 1));
      Path tmp = Files.createTempFile(directory, ".CT", ".part");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        write(k, out);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
      AtomicFiles.moveIntoPlace(tmp, target); // no fsync per slice: a test fixture, rewritten when in doubt
      files.add(target);
    }
    return files;
  }

  /**
   * The ground truth as a DICOM SEG referencing this series (BINARY or LABELMAP), built by the
   * dicom-bridge SEG writer; what a site would send as the reference for training or evaluation.
   */
  public byte[] groundTruthSeg(SegmentationType type) throws IOException {
    try {
      SeriesAssembler assembler = SeriesAssembler.create().withPixels(false);
      for (int k = 0; k < size(); k++) assembler.addStream(new java.io.ByteArrayInputStream(instance(k)), "phantom slice " + k);
      AssembledSeries source = assembler.assemble();
      Segmentation seg = SegmentationBuilder.forSource(source)
          .type(type)
          .labels(phantom.truth(), phantom.segments().stream().map(PhantomSeries::manual).toList())
          .seriesDescription("Phantom ground truth")
          .seriesNumber(100)
          .uidSeed(uid("ground-truth-" + type))
          .contentDateTime(java.time.LocalDateTime.of(2026, 1, 1, 12, 0))
          .build();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      seg.writeTo(out);
      return out.toByteArray();
    } catch (SeriesAssemblyException | SegmentationException e) {
      throw new IOException("cannot build the phantom ground-truth SEG: " + e.getMessage(), e);
    }
  }

  /** Ground truth is drawn, not computed: MANUAL segments with the algorithm's codes. */
  private static SegmentDescription manual(SegmentDescription d) {
    return new SegmentDescription(d.number(), d.label(), d.category(), d.type(), d.anatomicRegion(),
        SegmentDescription.AlgorithmType.MANUAL, null, d.recommendedDisplayRgb());
  }

  AttributeList attributes(int k) throws DicomException {
    ImageGeometry g = phantom.geometry();
    CtPhantom.Slice slice = phantom.slice(k);
    AttributeList l = new AttributeList();
    put(l, TagFromName.SOPClassUID, SOPClass.CTImageStorage);
    put(l, TagFromName.SOPInstanceUID, sopInstanceUid(k));
    put(l, TagFromName.StudyInstanceUID, studyUid);
    put(l, TagFromName.SeriesInstanceUID, seriesUid);
    put(l, TagFromName.FrameOfReferenceUID, frameOfReferenceUid);
    put(l, TagFromName.PatientName, "Phantom^Chest CT");
    put(l, TagFromName.PatientID, "PHANTOM-" + phantom.seed());
    put(l, TagFromName.PatientBirthDate, "");
    put(l, TagFromName.PatientSex, "O");
    put(l, TagFromName.StudyDate, "20260101");
    put(l, TagFromName.StudyTime, "120000");
    put(l, TagFromName.SeriesDate, "20260101");
    put(l, TagFromName.SeriesTime, "120000");
    put(l, TagFromName.AccessionNumber, "");
    put(l, TagFromName.ReferringPhysicianName, "");
    put(l, TagFromName.StudyID, "1");
    put(l, TagFromName.StudyDescription, "Synthetic chest CT phantom (secaimed)");
    put(l, TagFromName.SeriesDescription, "Phantom axial");
    put(l, TagFromName.SeriesNumber, "1");
    put(l, TagFromName.InstanceNumber, Integer.toString(k + 1));
    put(l, TagFromName.AcquisitionNumber, "1");
    put(l, TagFromName.Modality, "CT");
    put(l, TagFromName.Manufacturer, "secaimed synthetic phantom");
    put(l, TagFromName.BodyPartExamined, "CHEST");
    put(l, TagFromName.PatientPosition, "HFS");
    put(l, TagFromName.PositionReferenceIndicator, "");
    put(l, new AttributeTag(0x0018, 0x0060), "120");
    Attribute imageType = new CodeStringAttribute(TagFromName.ImageType);
    imageType.addValue("ORIGINAL");
    imageType.addValue("PRIMARY");
    imageType.addValue("AXIAL");
    l.put(imageType);
    double[] ipp = g.positionOf(0, 0, k);
    putDecimals(l, TagFromName.ImagePositionPatient, ipp);
    double[] r = g.rowDirection(), c = g.columnDirection();
    putDecimals(l, TagFromName.ImageOrientationPatient, new double[] {r[0], r[1], r[2], c[0], c[1], c[2]});
    putDecimals(l, TagFromName.PixelSpacing, new double[] {g.spacing()[1], g.spacing()[0]});
    putDecimals(l, TagFromName.SliceThickness, new double[] {g.spacing()[2]});
    putDecimals(l, TagFromName.SliceLocation, new double[] {ipp[2]});
    put(l, TagFromName.SamplesPerPixel, "1");
    put(l, TagFromName.PhotometricInterpretation, "MONOCHROME2");
    put(l, TagFromName.Rows, Integer.toString(g.rows()));
    put(l, TagFromName.Columns, Integer.toString(g.columns()));
    put(l, TagFromName.BitsAllocated, "16");
    put(l, TagFromName.BitsStored, "16");
    put(l, TagFromName.HighBit, "15");
    put(l, TagFromName.PixelRepresentation, "1");
    put(l, TagFromName.RescaleIntercept, "-1024");
    put(l, TagFromName.RescaleSlope, "1");
    put(l, TagFromName.RescaleType, "HU");
    put(l, TagFromName.WindowCenter, "40");
    put(l, TagFromName.WindowWidth, "400");
    short[] stored = new short[slice.hu().length];
    for (int i = 0; i < stored.length; i++) stored[i] = (short) (slice.hu()[i] + 1024);
    Attribute pixels = new OtherWordAttribute(TagFromName.PixelData);
    pixels.setValues(stored);
    l.put(pixels);
    FileMetaInformation.addFileMetaInformation(l, TransferSyntax.ExplicitVRLittleEndian, "SECAIMED");
    return l;
  }

  private static void put(AttributeList l, AttributeTag tag, String value) throws DicomException {
    Attribute a = AttributeList.getDictionary().getValueRepresentationFromTag(tag) == null ? null
        : com.pixelmed.dicom.AttributeFactory.newAttribute(tag);
    if (a == null) throw new DicomException("no attribute for " + tag);
    if (!value.isEmpty()) a.addValue(value);
    l.put(a);
  }

  private static void putDecimals(AttributeList l, AttributeTag tag, double[] values) throws DicomException {
    Attribute a = new DecimalStringAttribute(tag);
    for (double v : values) a.addValue(decimal(v));
    l.put(a);
  }

  /** DS allows 16 characters. */
  private static String decimal(double v) {
    String s = String.format(java.util.Locale.ROOT, "%.6f", v);
    if (s.contains(".")) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    if (s.equals("-0")) s = "0";
    return s.length() > 16 ? s.substring(0, 16) : s;
  }
}
