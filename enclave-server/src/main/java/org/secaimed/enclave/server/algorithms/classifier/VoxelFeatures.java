package org.secaimed.enclave.server.algorithms.classifier;

import org.secaimed.dicom.volume.ImageVolume;

/**
 * Per-voxel features for the classifier, computed slice by slice from summed-area tables: the
 * intensity, in-plane box means at three scales (3, 9, 25 voxels), the 3x3 standard deviation, and
 * a one-hot histogram bin of the 3x3 mean (20 bins of 100 HU over -1000..1000). Intensities are
 * HU/1000 clipped to [-1.024, 2]. The bins let a linear model express tissue intensity windows; the
 * neighbourhood means separate, e.g., lung parenchyma from air outside the body.
 */
final class VoxelFeatures {
  private static final int BINS = 20;
  static final String[] NAMES = names();
  static final int COUNT = NAMES.length;
  private static final int[] RADII = {1, 4, 12};

  private static String[] names() {
    String[] n = new String[5 + BINS];
    System.arraycopy(new String[] {"hu", "mean3", "mean9", "mean25", "std3"}, 0, n, 0, 5);
    for (int b = 0; b < BINS; b++) n[5 + b] = "bin" + (-1000 + 100 * b);
    return n;
  }

  private VoxelFeatures() {}

  /** Features of every voxel of slice k: {@code out[f * frame + i]}. */
  static float[] slice(ImageVolume image, int k) {
    int nx = image.geometry().columns(), ny = image.geometry().rows(), frame = nx * ny;
    short[] v = image.voxels();
    double[] x = new double[frame];
    for (int i = 0; i < frame; i++) x[i] = Math.max(-1.024, Math.min(2.0, v[k * frame + i] / 1000.0));
    double[] sat = new double[(nx + 1) * (ny + 1)], sat2 = new double[(nx + 1) * (ny + 1)];
    for (int j = 0; j < ny; j++) {
      double row = 0, row2 = 0;
      for (int i = 0; i < nx; i++) {
        double a = x[j * nx + i];
        row += a;
        row2 += a * a;
        sat[(j + 1) * (nx + 1) + i + 1] = sat[j * (nx + 1) + i + 1] + row;
        sat2[(j + 1) * (nx + 1) + i + 1] = sat2[j * (nx + 1) + i + 1] + row2;
      }
    }
    float[] out = new float[COUNT * frame];
    for (int j = 0; j < ny; j++) {
      for (int i = 0; i < nx; i++) {
        int idx = j * nx + i;
        out[idx] = (float) x[idx];
        for (int s = 0; s < RADII.length; s++) out[(s + 1) * frame + idx] = (float) boxMean(sat, nx, ny, i, j, RADII[s]);
        double m = boxMean(sat, nx, ny, i, j, 1), m2 = boxMean(sat2, nx, ny, i, j, 1);
        out[4 * frame + idx] = (float) Math.sqrt(Math.max(0, m2 - m * m));
        int bin = (int) Math.floor((m * 1000 + 1000) / 100);
        out[(5 + Math.max(0, Math.min(BINS - 1, bin))) * frame + idx] = 1f;
      }
    }
    return out;
  }

  private static double boxMean(double[] sat, int nx, int ny, int i, int j, int r) {
    int x0 = Math.max(0, i - r), x1 = Math.min(nx, i + r + 1), y0 = Math.max(0, j - r), y1 = Math.min(ny, j + r + 1);
    int w = nx + 1;
    double sum = sat[y1 * w + x1] - sat[y0 * w + x1] - sat[y1 * w + x0] + sat[y0 * w + x0];
    return sum / ((x1 - x0) * (y1 - y0));
  }
}
