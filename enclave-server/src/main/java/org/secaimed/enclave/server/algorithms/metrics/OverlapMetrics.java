package org.secaimed.enclave.server.algorithms.metrics;

import java.util.Arrays;
import org.secaimed.dicom.volume.ImageGeometry;

/** Dice and the 95th-percentile Hausdorff distance between two binary masks on one geometry. */
public final class OverlapMetrics {
  private OverlapMetrics() {}

  public static double dice(byte[] a, int labelA, byte[] b, int labelB) {
    long inA = 0, inB = 0, both = 0;
    for (int i = 0; i < a.length; i++) {
      boolean x = (a[i] & 0xFF) == labelA, y = (b[i] & 0xFF) == labelB;
      if (x) inA++;
      if (y) inB++;
      if (x && y) both++;
    }
    return inA + inB == 0 ? 1.0 : 2.0 * both / (inA + inB);
  }

  /**
   * HD95 in mm as medpy/MONAI define it: the larger of the two directed 95th percentiles of
   * surface-to-surface distances (surface = mask voxels with a 6-neighbour outside the mask).
   * NaN when either mask is empty.
   */
  public static double hausdorff95(ImageGeometry g, byte[] a, int labelA, byte[] b, int labelB) {
    int nx = g.columns(), ny = g.rows(), nz = g.slices();
    boolean[] sa = surface(a, labelA, nx, ny, nz), sb = surface(b, labelB, nx, ny, nz);
    int[] box = boundingBox(sa, sb, nx, ny, nz);
    if (box == null) return Double.NaN;
    int bx = box[3] - box[0] + 1, by = box[4] - box[1] + 1, bz = box[5] - box[2] + 1;
    boolean[] ca = crop(sa, nx, ny, box, bx, by, bz), cb = crop(sb, nx, ny, box, bx, by, bz);
    if (!any(ca) || !any(cb)) return Double.NaN;
    double[] sp = g.spacing();
    float[] toB = DistanceTransform.squared(cb, bx, by, bz, sp[0], sp[1], sp[2]);
    double ab = percentile95(ca, toB);
    float[] toA = DistanceTransform.squared(ca, bx, by, bz, sp[0], sp[1], sp[2]);
    double ba = percentile95(cb, toA);
    return Math.max(ab, ba);
  }

  private static double percentile95(boolean[] from, float[] squaredTo) {
    int n = 0;
    for (boolean x : from) if (x) n++;
    float[] d = new float[n];
    int i = 0;
    for (int v = 0; v < from.length; v++) if (from[v]) d[i++] = squaredTo[v];
    Arrays.sort(d);
    // Linear interpolation between closest ranks (numpy's default percentile), on distances.
    double pos = 0.95 * (n - 1);
    int lo = (int) Math.floor(pos), hi = Math.min(n - 1, lo + 1);
    double dl = Math.sqrt(d[lo]), dh = Math.sqrt(d[hi]);
    return dl + (dh - dl) * (pos - lo);
  }

  static boolean[] surface(byte[] m, int label, int nx, int ny, int nz) {
    boolean[] s = new boolean[m.length];
    for (int k = 0; k < nz; k++) {
      for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++) {
          int idx = i + nx * (j + ny * k);
          if ((m[idx] & 0xFF) != label) continue;
          s[idx] = i == 0 || i == nx - 1 || j == 0 || j == ny - 1 || k == 0 || k == nz - 1
              || (m[idx - 1] & 0xFF) != label || (m[idx + 1] & 0xFF) != label
              || (m[idx - nx] & 0xFF) != label || (m[idx + nx] & 0xFF) != label
              || (m[idx - nx * ny] & 0xFF) != label || (m[idx + nx * ny] & 0xFF) != label;
        }
      }
    }
    return s;
  }

  private static int[] boundingBox(boolean[] a, boolean[] b, int nx, int ny, int nz) {
    int[] box = {nx, ny, nz, -1, -1, -1};
    for (int k = 0; k < nz; k++) for (int j = 0; j < ny; j++) for (int i = 0; i < nx; i++) {
      int idx = i + nx * (j + ny * k);
      if (a[idx] || b[idx]) {
        box[0] = Math.min(box[0], i); box[1] = Math.min(box[1], j); box[2] = Math.min(box[2], k);
        box[3] = Math.max(box[3], i); box[4] = Math.max(box[4], j); box[5] = Math.max(box[5], k);
      }
    }
    return box[3] < 0 ? null : box;
  }

  private static boolean[] crop(boolean[] m, int nx, int ny, int[] box, int bx, int by, int bz) {
    boolean[] c = new boolean[bx * by * bz];
    for (int k = 0; k < bz; k++) for (int j = 0; j < by; j++) {
      System.arraycopy(m, box[0] + nx * ((j + box[1]) + ny * (k + box[2])), c, bx * (j + by * k), bx);
    }
    return c;
  }

  private static boolean any(boolean[] m) {
    for (boolean x : m) if (x) return true;
    return false;
  }
}
