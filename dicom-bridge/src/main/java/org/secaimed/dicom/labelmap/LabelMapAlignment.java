package org.secaimed.dicom.labelmap;

import java.util.Arrays;
import java.util.Locale;
import org.secaimed.dicom.labelmap.LabelMapException.Reason;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.LabelVolume;

/**
 * Places a label map on a series grid without resampling: the two grids must have the same voxel
 * centres, up to a permutation or flip of the axes (e.g. a NIfTI with slices in the opposite order).
 *
 * <p>Tolerance: every voxel centre of the series grid must coincide with a label-map voxel centre
 * within {@value #TOLERANCE_MM} mm (checked at the eight corners; both grids are affine). This is
 * far above float32 rounding in NIfTI affines (a few micrometres) and far below any real
 * misregistration (a tenth of a voxel at 0.5 mm pixels is 50 micrometres).
 */
public final class LabelMapAlignment {
  public static final double TOLERANCE_MM = 0.01;

  private LabelMapAlignment() {}

  public static LabelVolume onto(LabelMapImage image, ImageGeometry target) throws LabelMapException {
    double[][] l = new double[3][3]; // columns: label axis vectors (direction * spacing)
    double[][] sDirs = {target.rowDirection(), target.columnDirection(), target.sliceDirection()};
    double[] sSpacing = target.spacing();
    for (int a = 0; a < 3; a++) for (int r = 0; r < 3; r++) l[r][a] = image.directions()[a][r] * image.spacing()[a];
    double[][] inv = invert(l, image);
    double[] so = target.origin(), lo = image.origin();
    // A = L^-1 * S (3x3), b = L^-1 * (so - lo)
    int[][] perm = new int[3][3];
    double[] b = new double[3];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        double v = 0;
        // One slice has no spacing along its normal (SliceThickness stands in; tools write 1.0):
        // there only the direction must agree, so compare cosines instead of scaled steps.
        boolean directionOnly = c == 2 && target.slices() == 1;
        for (int k = 0; k < 3; k++) v += inv[r][k] * sDirs[c][k] * (directionOnly ? image.spacing()[r] : sSpacing[c]);
        perm[r][c] = (int) Math.rint(v);
      }
      for (int k = 0; k < 3; k++) b[r] += inv[r][k] * (so[k] - lo[k]);
    }
    int[] c0 = new int[3];
    for (int r = 0; r < 3; r++) c0[r] = (int) Math.rint(b[r]);
    if (!isSignedPermutation(perm)) throw mismatch(image, target, "axes are not parallel or spacing differs");
    int[] tSizes = {target.columns(), target.rows(), target.slices()};
    // Sizes must correspond along permuted axes.
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        if (perm[r][c] != 0 && image.sizes()[r] != tSizes[c]) {
          throw mismatch(image, target, "size " + Arrays.toString(image.sizes()) + " vs series " + Arrays.toString(tSizes));
        }
      }
    }
    // Check the corners with the exact affines.
    for (int corner = 0; corner < 8; corner++) {
      int[] x = {(corner & 1) == 0 ? 0 : tSizes[0] - 1, (corner & 2) == 0 ? 0 : tSizes[1] - 1, (corner & 4) == 0 ? 0 : tSizes[2] - 1};
      double[] y = new double[3];
      for (int r = 0; r < 3; r++) {
        y[r] = c0[r];
        for (int c = 0; c < 3; c++) y[r] += perm[r][c] * x[c];
        if (y[r] < 0 || y[r] >= image.sizes()[r]) throw mismatch(image, target, "series corner " + Arrays.toString(x) + " falls outside the label map");
      }
      double[] pl = image.positionOf(y);
      double[] ps = target.positionOf(x[0], x[1], x[2]);
      for (int r = 0; r < 3; r++) {
        if (Math.abs(pl[r] - ps[r]) > TOLERANCE_MM) {
          throw mismatch(image, target, String.format(Locale.ROOT,
              "series voxel %s is at (%.4f, %.4f, %.4f) mm, label voxel %s at (%.4f, %.4f, %.4f) mm",
              Arrays.toString(x), ps[0], ps[1], ps[2], Arrays.toString(y), pl[0], pl[1], pl[2]));
        }
      }
    }
    int[] lStride = {1, image.sizes()[0], image.sizes()[0] * image.sizes()[1]};
    int[] step = new int[3];
    int base = 0;
    for (int r = 0; r < 3; r++) {
      base += c0[r] * lStride[r];
      for (int c = 0; c < 3; c++) step[c] += perm[r][c] * lStride[r];
    }
    byte[] src = image.labels();
    byte[] out = new byte[src.length];
    int o = 0;
    for (int k = 0; k < tSizes[2]; k++) {
      for (int j = 0; j < tSizes[1]; j++) {
        int idx = base + k * step[2] + j * step[1];
        if (step[0] == 1) {
          System.arraycopy(src, idx, out, o, tSizes[0]);
          o += tSizes[0];
        } else {
          for (int i = 0; i < tSizes[0]; i++, idx += step[0]) out[o++] = src[idx];
        }
      }
    }
    return new LabelVolume(target, out);
  }

  private static boolean isSignedPermutation(int[][] m) {
    for (int r = 0; r < 3; r++) {
      int nonZeroRow = 0, nonZeroCol = 0;
      for (int c = 0; c < 3; c++) {
        if (Math.abs(m[r][c]) > 1 || Math.abs(m[c][r]) > 1) return false;
        if (m[r][c] != 0) nonZeroRow++;
        if (m[c][r] != 0) nonZeroCol++;
      }
      if (nonZeroRow != 1 || nonZeroCol != 1) return false;
    }
    return true;
  }

  private static double[][] invert(double[][] m, LabelMapImage image) throws LabelMapException {
    double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    if (Math.abs(det) < 1e-12) throw new LabelMapException(Reason.UNREADABLE, image.source() + ": singular orientation matrix");
    double[][] r = new double[3][3];
    r[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) / det;
    r[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / det;
    r[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / det;
    r[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) / det;
    r[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / det;
    r[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / det;
    r[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) / det;
    r[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / det;
    r[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / det;
    return r;
  }

  private static LabelMapException mismatch(LabelMapImage image, ImageGeometry target, String detail) {
    return new LabelMapException(Reason.GEOMETRY_MISMATCH, image.source() + " does not lie on the series grid (" + detail
        + "); label map " + image + ", series " + target + " (tolerance " + TOLERANCE_MM + " mm)");
  }
}
