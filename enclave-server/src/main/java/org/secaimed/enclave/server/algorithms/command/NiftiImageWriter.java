package org.secaimed.enclave.server.algorithms.command;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.ImageVolume;

/**
 * Writes an image volume as NIfTI-1 (.nii.gz), int16, with the LPS geometry turned into a RAS sform
 * (x and y negated), the form nnU-Net, TotalSegmentator and nibabel read. Hand-written because
 * dicom-bridge's NIfTI support writes label maps (uint8) only and no maintained Java NIfTI library
 * is on Maven Central; the header is 348 fixed bytes.
 */
final class NiftiImageWriter {
  private NiftiImageWriter() {}

  static void write(ImageVolume image, Path file) throws IOException {
    ImageGeometry g = image.geometry();
    ByteBuffer h = ByteBuffer.allocate(352).order(ByteOrder.LITTLE_ENDIAN);
    h.putInt(0, 348);
    short[] dim = {3, (short) g.columns(), (short) g.rows(), (short) g.slices(), 1, 1, 1, 1};
    for (int i = 0; i < 8; i++) h.putShort(40 + 2 * i, dim[i]);
    h.putShort(70, (short) 4); // DT_INT16
    h.putShort(72, (short) 16);
    double[] sp = g.spacing();
    float[] pixdim = {1, (float) sp[0], (float) sp[1], (float) sp[2], 1, 1, 1, 1};
    for (int i = 0; i < 8; i++) h.putFloat(76 + 4 * i, pixdim[i]);
    h.putFloat(108, 352f); // vox_offset
    h.putFloat(112, 1f); // scl_slope
    h.putFloat(116, 0f);
    h.put(123, (byte) 2); // xyzt_units: mm
    h.putShort(252, (short) 0); // qform_code: unset; the sform carries the affine
    h.putShort(254, (short) 1); // sform_code: scanner anatomical
    double[] r = g.rowDirection(), c = g.columnDirection(), n = g.sliceDirection(), o = g.origin();
    double[][] srow = new double[3][4];
    for (int a = 0; a < 3; a++) {
      double sign = a < 2 ? -1 : 1; // LPS -> RAS
      srow[a][0] = sign * sp[0] * r[a];
      srow[a][1] = sign * sp[1] * c[a];
      srow[a][2] = sign * sp[2] * n[a];
      srow[a][3] = sign * o[a];
    }
    for (int a = 0; a < 3; a++) for (int q = 0; q < 4; q++) h.putFloat(280 + 16 * a + 4 * q, (float) srow[a][q]);
    h.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1').put(347, (byte) 0);
    try (OutputStream out = new BufferedOutputStream(new GZIPOutputStream(Files.newOutputStream(file), 1 << 16), 1 << 16)) {
      out.write(h.array());
      short[] v = image.voxels();
      ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
      for (short s : v) {
        if (!chunk.hasRemaining()) {
          out.write(chunk.array(), 0, chunk.position());
          chunk.clear();
        }
        chunk.putShort(s);
      }
      out.write(chunk.array(), 0, chunk.position());
    }
  }
}
