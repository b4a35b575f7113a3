package org.secaimed.dicom.labelmap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.secaimed.dicom.labelmap.LabelMapException.Reason;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.LabelVolume;

/**
 * NIfTI-1 single-file (.nii, .nii.gz) label maps, with ITK's conventions: the file's affine is in
 * RAS, DICOM is LPS, so x and y rows (direction and origin) change sign; sform is preferred when
 * set, then qform, then pixdim alone. Hand-written (header is 348 fixed bytes); no maintained Java
 * NIfTI library is on Maven Central.
 */
final class NiftiFormat {
  private static final int HEADER = 348;
  private static final int VOX_OFFSET = 352;

  private NiftiFormat() {}

  static LabelMapImage read(byte[] file, String source) throws LabelMapException {
    if (file.length < VOX_OFFSET) throw new LabelMapException(Reason.UNREADABLE, source + ": shorter than a NIfTI-1 header");
    ByteBuffer h = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    if (h.getInt(0) != HEADER) {
      h.order(ByteOrder.BIG_ENDIAN);
      if (h.getInt(0) != HEADER) throw new LabelMapException(Reason.UNREADABLE, source + ": not a NIfTI-1 file (sizeof_hdr != 348)");
    }
    String magic = new String(file, 344, 3, StandardCharsets.US_ASCII);
    if (!magic.equals("n+1")) {
      throw new LabelMapException(magic.equals("ni1") ? Reason.UNSUPPORTED : Reason.UNREADABLE,
          source + ": magic '" + magic + "' (only single-file NIfTI-1 'n+1' is supported)");
    }
    int nd = h.getShort(40);
    int[] dim = new int[7];
    for (int i = 0; i < 7; i++) dim[i] = h.getShort(42 + 2 * i);
    if (nd < 2 || nd > 7) throw new LabelMapException(Reason.UNREADABLE, source + ": dim[0] = " + nd);
    for (int i = 3; i < nd; i++) {
      if (dim[i] != 1) throw new LabelMapException(Reason.UNSUPPORTED, source + ": " + nd + "-D image with dim[" + (i + 1) + "]=" + dim[i] + " (a label map is 3-D)");
    }
    int[] sizes = {dim[0], nd >= 2 ? dim[1] : 1, nd >= 3 ? dim[2] : 1};
    for (int s : sizes) if (s < 1) throw new LabelMapException(Reason.UNREADABLE, source + ": non-positive dimension");
    VoxelValues.Type type = switch (h.getShort(70)) {
      case 2 -> VoxelValues.Type.UINT8;
      case 4 -> VoxelValues.Type.INT16;
      case 8 -> VoxelValues.Type.INT32;
      case 16 -> VoxelValues.Type.FLOAT32;
      case 64 -> VoxelValues.Type.FLOAT64;
      case 256 -> VoxelValues.Type.INT8;
      case 512 -> VoxelValues.Type.UINT16;
      case 768 -> VoxelValues.Type.UINT32;
      default -> throw new LabelMapException(Reason.UNSUPPORTED, source + ": NIfTI datatype " + h.getShort(70));
    };
    float[] pixdim = new float[8];
    for (int i = 0; i < 8; i++) pixdim[i] = h.getFloat(76 + 4 * i);
    int voxOffset = (int) h.getFloat(108);
    double slope = h.getFloat(112), inter = h.getFloat(116);
    int qformCode = h.getShort(252), sformCode = h.getShort(254);

    double[][] m = new double[3][3]; // RAS, row r, column a
    double[] o = new double[3];
    if (sformCode > 0) {
      for (int r = 0; r < 3; r++) {
        for (int a = 0; a < 3; a++) m[r][a] = h.getFloat(280 + 16 * r + 4 * a);
        o[r] = h.getFloat(280 + 16 * r + 12);
      }
    } else if (qformCode > 0) {
      double b = h.getFloat(256), c = h.getFloat(260), d = h.getFloat(264);
      double a = Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
      double[][] rot = {
          {a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)},
          {2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)},
          {2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b}};
      double qfac = pixdim[0] < 0 ? -1 : 1;
      for (int r = 0; r < 3; r++) {
        m[r][0] = rot[r][0] * pixdim[1];
        m[r][1] = rot[r][1] * pixdim[2];
        m[r][2] = rot[r][2] * pixdim[3] * qfac;
      }
      o = new double[] {h.getFloat(268), h.getFloat(272), h.getFloat(276)};
    } else {
      for (int a = 0; a < 3; a++) m[a][a] = pixdim[a + 1] > 0 ? pixdim[a + 1] : 1;
    }
    double[] spacing = new double[3];
    double[][] dirs = new double[3][3];
    for (int a = 0; a < 3; a++) {
      // RAS -> LPS: negate x and y.
      double[] col = {-m[0][a], -m[1][a], m[2][a]};
      double len = Math.sqrt(col[0] * col[0] + col[1] * col[1] + col[2] * col[2]);
      if (!(len > 0)) throw new LabelMapException(Reason.UNREADABLE, source + ": degenerate affine (axis " + a + " has zero length)");
      spacing[a] = len;
      for (int r = 0; r < 3; r++) dirs[a][r] = col[r] / len;
    }
    double[] origin = {-o[0], -o[1], o[2]};
    if (voxOffset < VOX_OFFSET || voxOffset > file.length) throw new LabelMapException(Reason.UNREADABLE, source + ": vox_offset " + voxOffset);
    ByteBuffer data = ByteBuffer.wrap(file, voxOffset, file.length - voxOffset).order(h.order());
    byte[] labels = VoxelValues.toLabels(data, type, sizes[0] * sizes[1] * sizes[2], slope, inter, source);
    return new LabelMapImage(sizes, spacing, origin, dirs, labels, source);
  }

  /** Writes uint8 NIfTI-1 with qform = sform (code 1, scanner), as ITK does. */
  static void write(LabelVolume volume, OutputStream out) throws IOException {
    ImageGeometry g = volume.geometry();
    double[][] lpsDirs = {g.rowDirection(), g.columnDirection(), g.sliceDirection()};
    double[] spacing = g.spacing();
    double[][] rot = new double[3][3]; // RAS rotation, row r, column a
    for (int a = 0; a < 3; a++) {
      rot[0][a] = -lpsDirs[a][0];
      rot[1][a] = -lpsDirs[a][1];
      rot[2][a] = lpsDirs[a][2];
    }
    double[] lpsOrigin = g.origin();
    double[] ras = {-lpsOrigin[0], -lpsOrigin[1], lpsOrigin[2]};
    double det = rot[0][0] * (rot[1][1] * rot[2][2] - rot[1][2] * rot[2][1])
        - rot[0][1] * (rot[1][0] * rot[2][2] - rot[1][2] * rot[2][0])
        + rot[0][2] * (rot[1][0] * rot[2][1] - rot[1][1] * rot[2][0]);
    double qfac = det < 0 ? -1 : 1;
    double[][] r = new double[3][3];
    for (int i = 0; i < 3; i++) { r[i][0] = rot[i][0]; r[i][1] = rot[i][1]; r[i][2] = rot[i][2] * qfac; }
    double[] q = quaternion(r);

    ByteBuffer h = ByteBuffer.allocate(VOX_OFFSET).order(ByteOrder.LITTLE_ENDIAN);
    h.putInt(0, HEADER);
    short[] dim = {3, (short) g.columns(), (short) g.rows(), (short) g.slices(), 1, 1, 1, 1};
    if (g.columns() > Short.MAX_VALUE || g.rows() > Short.MAX_VALUE || g.slices() > Short.MAX_VALUE) {
      throw new IOException("NIfTI-1 dimensions are limited to 32767");
    }
    for (int i = 0; i < 8; i++) h.putShort(40 + 2 * i, dim[i]);
    h.putShort(70, (short) 2);  // DT_UINT8
    h.putShort(72, (short) 8);  // bitpix
    float[] pixdim = {(float) qfac, (float) spacing[0], (float) spacing[1], (float) spacing[2], 0, 0, 0, 0};
    for (int i = 0; i < 8; i++) h.putFloat(76 + 4 * i, pixdim[i]);
    h.putFloat(108, VOX_OFFSET);
    h.putFloat(112, 1f);  // scl_slope
    h.putFloat(116, 0f);  // scl_inter
    h.put(123, (byte) 2); // xyzt_units: mm
    byte[] descrip = "secaimed label map".getBytes(StandardCharsets.US_ASCII);
    h.put(148, descrip, 0, descrip.length).position(0);
    h.putShort(252, (short) 1);
    h.putShort(254, (short) 1);
    h.putFloat(256, (float) q[1]);
    h.putFloat(260, (float) q[2]);
    h.putFloat(264, (float) q[3]);
    for (int i = 0; i < 3; i++) h.putFloat(268 + 4 * i, (float) ras[i]);
    for (int row = 0; row < 3; row++) {
      for (int a = 0; a < 3; a++) h.putFloat(280 + 16 * row + 4 * a, (float) (rot[row][a] * spacing[a]));
      h.putFloat(280 + 16 * row + 12, (float) ras[row]);
    }
    h.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1').put(347, (byte) 0);
    out.write(h.array());
    out.write(volume.labels());
  }

  /** nifti_mat44_to_quatern for a proper rotation: returns (a, b, c, d) with a >= 0. */
  static double[] quaternion(double[][] r) {
    double a = r[0][0] + r[1][1] + r[2][2] + 1, b, c, d;
    if (a > 0.5) {
      a = 0.5 * Math.sqrt(a);
      b = 0.25 * (r[2][1] - r[1][2]) / a;
      c = 0.25 * (r[0][2] - r[2][0]) / a;
      d = 0.25 * (r[1][0] - r[0][1]) / a;
    } else {
      double xd = 1 + r[0][0] - (r[1][1] + r[2][2]);
      double yd = 1 + r[1][1] - (r[0][0] + r[2][2]);
      double zd = 1 + r[2][2] - (r[0][0] + r[1][1]);
      if (xd > 1) {
        b = 0.5 * Math.sqrt(xd);
        c = 0.25 * (r[0][1] + r[1][0]) / b;
        d = 0.25 * (r[0][2] + r[2][0]) / b;
        a = 0.25 * (r[2][1] - r[1][2]) / b;
      } else if (yd > 1) {
        c = 0.5 * Math.sqrt(yd);
        b = 0.25 * (r[0][1] + r[1][0]) / c;
        d = 0.25 * (r[1][2] + r[2][1]) / c;
        a = 0.25 * (r[0][2] - r[2][0]) / c;
      } else {
        d = 0.5 * Math.sqrt(zd);
        b = 0.25 * (r[0][2] + r[2][0]) / d;
        c = 0.25 * (r[1][2] + r[2][1]) / d;
        a = 0.25 * (r[1][0] - r[0][1]) / d;
      }
      if (a < 0) { a = -a; b = -b; c = -c; d = -d; }
    }
    return new double[] {a, b, c, d};
  }

}
