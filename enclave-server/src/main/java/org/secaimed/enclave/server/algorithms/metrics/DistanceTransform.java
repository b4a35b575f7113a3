package org.secaimed.enclave.server.algorithms.metrics;

/**
 * Exact squared Euclidean distance transform on an anisotropic grid (Felzenszwalb and Huttenlocher,
 * "Distance Transforms of Sampled Functions", Theory of Computing 8, 2012): one 1-D lower-envelope
 * pass per axis. Hand-written: no maintained Java library offers it (ITK/SciPy do, outside the JVM).
 */
public final class DistanceTransform {
  static final float INF = Float.POSITIVE_INFINITY;

  private DistanceTransform() {}

  /**
   * Squared distance in mm² from every voxel of an {@code nx*ny*nz} box to the nearest {@code site}
   * voxel (linear index x + nx*(y + ny*z)); infinity when there is no site.
   */
  public static float[] squared(boolean[] site, int nx, int ny, int nz, double sx, double sy, double sz) {
    float[] d = new float[site.length];
    for (int i = 0; i < d.length; i++) d[i] = site[i] ? 0f : INF;
    int maxN = Math.max(nx, Math.max(ny, nz));
    float[] line = new float[maxN];
    float[] out = new float[maxN];
    int[] v = new int[maxN];
    double[] z = new double[maxN + 1];
    for (int k = 0; k < nz; k++) for (int j = 0; j < ny; j++) pass(d, k * nx * ny + j * nx, 1, nx, sx * sx, line, out, v, z);
    for (int k = 0; k < nz; k++) for (int i = 0; i < nx; i++) pass(d, k * nx * ny + i, nx, ny, sy * sy, line, out, v, z);
    for (int j = 0; j < ny; j++) for (int i = 0; i < nx; i++) pass(d, j * nx + i, nx * ny, nz, sz * sz, line, out, v, z);
    return d;
  }

  private static void pass(float[] d, int start, int stride, int n, double w, float[] f, float[] out, int[] v, double[] z) {
    for (int q = 0; q < n; q++) f[q] = d[start + q * stride];
    int k = -1;
    for (int q = 0; q < n; q++) {
      if (f[q] == INF) continue;
      if (k < 0) {
        k = 0;
        v[0] = q;
        z[0] = Double.NEGATIVE_INFINITY;
        z[1] = Double.POSITIVE_INFINITY;
        continue;
      }
      int p = v[k];
      double s = ((f[q] + w * q * q) - (f[p] + w * (double) p * p)) / (2 * w * (q - p));
      while (s <= z[k]) { // z[0] is -infinity, so this stops at k == 0
        k--;
        p = v[k];
        s = ((f[q] + w * q * q) - (f[p] + w * (double) p * p)) / (2 * w * (q - p));
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = Double.POSITIVE_INFINITY;
    }
    if (k < 0) return; // no sites on this line: stays infinite
    int j = 0;
    for (int q = 0; q < n; q++) {
      while (z[j + 1] < q) j++;
      int p = v[j];
      out[q] = (float) (w * (q - p) * (double) (q - p) + f[p]);
    }
    for (int q = 0; q < n; q++) d[start + q * stride] = out[q];
  }
}
