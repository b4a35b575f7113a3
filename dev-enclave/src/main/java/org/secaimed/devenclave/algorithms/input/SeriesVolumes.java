package org.secaimed.devenclave.algorithms.input;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.TagFromName;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.secaimed.devenclave.algorithms.AlgorithmException;
import org.secaimed.devenclave.algorithms.AlgorithmException.Reason;
import org.secaimed.dicom.exchange.SourceReference;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.ImageVolume;

/**
 * Assembles single-frame image instances of one series into a volume: same size, orientation and
 * pixel spacing; sorted along the slice normal; evenly spaced; rescaled to stored units (HU for CT).
 *
 * <p>Hand-written because the seg helper's series assembler ({@code org.secaimed.dicom.geometry}) had
 * not landed; once it has, this class should delegate to it.
 */
public final class SeriesVolumes {
  private static final Set<String> NATIVE_TRANSFER_SYNTAXES = Set.of("1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2");
  /** Relative tolerance on slice spacing and orientation. */
  private static final double TOLERANCE = 1e-3;

  private SeriesVolumes() {}

  public static LoadedSeries assemble(String seriesUid, List<AttributeList> instances) throws AlgorithmException {
    if (instances.isEmpty()) throw new AlgorithmException(Reason.BAD_INPUT, seriesUid, "series has no instances");
    AttributeList first = instances.get(0);
    int rows = intValue(first, TagFromName.Rows, uid(first));
    int columns = intValue(first, TagFromName.Columns, uid(first));
    double[] iop = doubles(first, TagFromName.ImageOrientationPatient, 6, uid(first));
    double[] pixelSpacing = doubles(first, TagFromName.PixelSpacing, 2, uid(first));
    double[] rowDir = {iop[0], iop[1], iop[2]};
    double[] colDir = {iop[3], iop[4], iop[5]};
    double[] normal = cross(rowDir, colDir);
    record Slice(AttributeList list, double position) {}
    List<Slice> slices = new ArrayList<>();
    for (AttributeList l : instances) {
      String where = uid(l);
      checkPixelModule(l, where);
      if (intValue(l, TagFromName.Rows, where) != rows || intValue(l, TagFromName.Columns, where) != columns) {
        throw new AlgorithmException(Reason.BAD_INPUT, where, "Rows/Columns differ from the rest of series " + seriesUid);
      }
      if (!close(doubles(l, TagFromName.ImageOrientationPatient, 6, where), iop)) {
        throw new AlgorithmException(Reason.BAD_INPUT, where, "ImageOrientationPatient differs from the rest of the series");
      }
      if (!close(doubles(l, TagFromName.PixelSpacing, 2, where), pixelSpacing)) {
        throw new AlgorithmException(Reason.BAD_INPUT, where, "PixelSpacing differs from the rest of the series");
      }
      slices.add(new Slice(l, dot(doubles(l, TagFromName.ImagePositionPatient, 3, where), normal)));
    }
    slices.sort(Comparator.comparingDouble(Slice::position));
    double dz = 1.0;
    if (slices.size() > 1) {
      dz = (slices.get(slices.size() - 1).position() - slices.get(0).position()) / (slices.size() - 1);
      for (int k = 1; k < slices.size(); k++) {
        double step = slices.get(k).position() - slices.get(k - 1).position();
        if (step <= 0) throw new AlgorithmException(Reason.BAD_INPUT, uid(slices.get(k).list()), "two instances at the same slice position");
        if (Math.abs(step - dz) > Math.max(0.01, TOLERANCE * 10 * dz)) {
          throw new AlgorithmException(Reason.BAD_INPUT, uid(slices.get(k).list()), String.format("uneven slice spacing: %.3f mm where the series averages %.3f mm", step, dz));
        }
      }
    }
    double[] origin = doubles(slices.get(0).list(), TagFromName.ImagePositionPatient, 3, uid(slices.get(0).list()));
    ImageGeometry geometry = new ImageGeometry(columns, rows, slices.size(), new double[] {pixelSpacing[1], pixelSpacing[0], dz}, origin, rowDir, colDir, normal);
    short[] voxels = new short[Math.toIntExact(geometry.voxelCount())];
    List<String> uids = new ArrayList<>();
    int frame = rows * columns;
    for (int k = 0; k < slices.size(); k++) {
      AttributeList l = slices.get(k).list();
      uids.add(uid(l));
      readFrame(l, uid(l), voxels, k * frame, frame);
    }
    String frameOfReference = Attribute.getSingleStringValueOrEmptyString(first, TagFromName.FrameOfReferenceUID);
    String study = Attribute.getSingleStringValueOrEmptyString(first, TagFromName.StudyInstanceUID);
    SourceReference source;
    try {
      source = new SourceReference(study, seriesUid, frameOfReference, uids);
    } catch (IllegalArgumentException e) {
      throw new AlgorithmException(Reason.BAD_INPUT, seriesUid, e.getMessage(), e);
    }
    String modality = Attribute.getSingleStringValueOrEmptyString(first, TagFromName.Modality);
    return new LoadedSeries(modality, new ImageVolume(geometry, voxels), source);
  }

  private static void checkPixelModule(AttributeList l, String where) throws AlgorithmException {
    String ts = Attribute.getSingleStringValueOrEmptyString(l, TagFromName.TransferSyntaxUID);
    if (!ts.isEmpty() && !NATIVE_TRANSFER_SYNTAXES.contains(ts)) {
      throw new AlgorithmException(Reason.BAD_INPUT, where, "unsupported transfer syntax " + ts + " (only native/uncompressed)");
    }
    if (Attribute.getSingleIntegerValueOrDefault(l, TagFromName.SamplesPerPixel, 1) != 1
        || !Attribute.getSingleStringValueOrDefault(l, TagFromName.PhotometricInterpretation, "MONOCHROME2").startsWith("MONOCHROME")) {
      throw new AlgorithmException(Reason.BAD_INPUT, where, "not a greyscale image");
    }
    if (Attribute.getSingleIntegerValueOrDefault(l, TagFromName.NumberOfFrames, 1) != 1) {
      throw new AlgorithmException(Reason.BAD_INPUT, where, "multi-frame images are not supported");
    }
    if (Attribute.getSingleIntegerValueOrDefault(l, TagFromName.BitsAllocated, 0) != 16) {
      throw new AlgorithmException(Reason.BAD_INPUT, where, "BitsAllocated must be 16");
    }
  }

  private static void readFrame(AttributeList l, String where, short[] into, int offset, int count) throws AlgorithmException {
    Attribute pixelData = l.get(TagFromName.PixelData);
    if (pixelData == null) throw new AlgorithmException(Reason.BAD_INPUT, where, "no PixelData");
    short[] stored;
    try {
      if (pixelData instanceof OtherByteAttribute) {
        byte[] b = pixelData.getByteValues();
        stored = new short[b.length / 2];
        for (int i = 0; i < stored.length; i++) stored[i] = (short) ((b[2 * i] & 0xFF) | (b[2 * i + 1] << 8));
      } else {
        stored = pixelData.getShortValues();
      }
    } catch (DicomException e) {
      throw new AlgorithmException(Reason.BAD_INPUT, where, "unreadable PixelData: " + e.getMessage(), e);
    }
    if (stored == null || stored.length < count) throw new AlgorithmException(Reason.BAD_INPUT, where, "PixelData shorter than Rows x Columns");
    boolean signed = Attribute.getSingleIntegerValueOrDefault(l, TagFromName.PixelRepresentation, 0) == 1;
    double slope = Attribute.getSingleDoubleValueOrDefault(l, TagFromName.RescaleSlope, 1.0);
    double intercept = Attribute.getSingleDoubleValueOrDefault(l, TagFromName.RescaleIntercept, 0.0);
    boolean identity = slope == 1.0 && intercept == 0.0 && signed;
    for (int i = 0; i < count; i++) {
      if (identity) {
        into[offset + i] = stored[i];
      } else {
        int raw = signed ? stored[i] : (stored[i] & 0xFFFF);
        double v = Math.rint(raw * slope + intercept);
        into[offset + i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
      }
    }
  }

  static String uid(AttributeList l) {
    return Attribute.getSingleStringValueOrDefault(l, TagFromName.SOPInstanceUID, "<no SOPInstanceUID>");
  }

  static int intValue(AttributeList l, AttributeTag tag, String where) throws AlgorithmException {
    int v = Attribute.getSingleIntegerValueOrDefault(l, tag, -1);
    if (v <= 0) throw new AlgorithmException(Reason.BAD_INPUT, where, "missing or invalid " + l.getDictionary().getNameFromTag(tag));
    return v;
  }

  static double[] doubles(AttributeList l, AttributeTag tag, int n, String where) throws AlgorithmException {
    double[] v = Attribute.getDoubleValues(l, tag);
    if (v == null || v.length != n) {
      throw new AlgorithmException(Reason.BAD_INPUT, where, "missing or malformed " + l.getDictionary().getNameFromTag(tag));
    }
    for (double x : v) if (!Double.isFinite(x)) throw new AlgorithmException(Reason.BAD_INPUT, where, "non-finite " + l.getDictionary().getNameFromTag(tag));
    return v;
  }

  static double[] cross(double[] a, double[] b) {
    return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
  }

  static double dot(double[] a, double[] b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  }

  private static boolean close(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > TOLERANCE * Math.max(1, Math.abs(b[i]))) return false;
    return true;
  }
}
