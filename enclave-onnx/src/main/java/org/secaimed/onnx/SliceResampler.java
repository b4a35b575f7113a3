package org.secaimed.onnx;

/**
 * Maps one axial slice between its native pixel grid and a model's grid of fixed pixel spacing. Both
 * grids share their centre; samples outside the native slice take the nearest edge value. Image
 * values go to the model grid and class scores come back by bilinear interpolation, so labels are
 * chosen at native resolution (argmax of interpolated scores) rather than upsampled as blocks.
 *
 * <p>The provider's training script (models/phantom-ct-cnn/train.py, {@code resample_bilinear}) uses
 * the same rule, so the model sees at run time what it saw in training.
 */
public final class SliceResampler {
  private final int nx, ny, mx, my;
  private final double stepX, stepY; // native pixels per model pixel

  /** A resampler for slices of {@code nx x ny} pixels of spacing (sx, sy) mm onto a grid of {@code modelMm}. */
  public SliceResampler(int nx, int ny, double sx, double sy, double modelMm) {
    this.nx = nx;
    this.ny = ny;
    this.mx = targetSize(nx, sx, modelMm);
    this.my = targetSize(ny, sy, modelMm);
    this.stepX = modelMm / sx;
    this.stepY = modelMm / sy;
  }

  /** Model-grid pixels that cover {@code n} native pixels of spacing {@code mm}. */
  static int targetSize(int n, double mm, double modelMm) {
    return Math.max(1, (int) Math.ceil(n * mm / modelMm - 1e-9));
  }

  public int modelColumns() {
    return mx;
  }

  public int modelRows() {
    return my;
  }

  /** Samples the slice starting at {@code offset} of {@code voxels} onto the model grid (row-major, my x mx). */
  public void toModelGrid(short[] voxels, int offset, float[] out) {
    int[] x0 = new int[mx], x1 = new int[mx];
    float[] fx = new float[mx];
    axis(nx, mx, stepX, x0, x1, fx);
    int[] y0 = new int[my], y1 = new int[my];
    float[] fy = new float[my];
    axis(ny, my, stepY, y0, y1, fy);
    for (int j = 0; j < my; j++) {
      int r0 = offset + y0[j] * nx, r1 = offset + y1[j] * nx;
      float wy = fy[j];
      for (int i = 0; i < mx; i++) {
        float top = voxels[r0 + x0[i]] * (1 - fx[i]) + voxels[r0 + x1[i]] * fx[i];
        float bottom = voxels[r1 + x0[i]] * (1 - fx[i]) + voxels[r1 + x1[i]] * fx[i];
        out[j * mx + i] = top * (1 - wy) + bottom * wy;
      }
    }
  }

  /**
   * Labels for the native slice from class scores on the model grid ({@code classes} planes of
   * my x mx, as the model writes NCHW with N = 1): each native pixel takes the class with the highest
   * bilinearly interpolated score.
   */
  public void labelsFromScores(float[] scores, int classes, byte[] labels, int offset) {
    int[] x0 = new int[nx], x1 = new int[nx];
    float[] fx = new float[nx];
    axis(mx, nx, 1 / stepX, x0, x1, fx);
    int[] y0 = new int[ny], y1 = new int[ny];
    float[] fy = new float[ny];
    axis(my, ny, 1 / stepY, y0, y1, fy);
    int plane = mx * my;
    for (int j = 0; j < ny; j++) {
      int r0 = y0[j] * mx, r1 = y1[j] * mx;
      float wy = fy[j];
      for (int i = 0; i < nx; i++) {
        int best = 0;
        float bestScore = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
          int p = c * plane;
          float top = scores[p + r0 + x0[i]] * (1 - fx[i]) + scores[p + r0 + x1[i]] * fx[i];
          float bottom = scores[p + r1 + x0[i]] * (1 - fx[i]) + scores[p + r1 + x1[i]] * fx[i];
          float s = top * (1 - wy) + bottom * wy;
          if (s > bestScore) {
            bestScore = s;
            best = c;
          }
        }
        labels[offset + j * nx + i] = (byte) best;
      }
    }
  }

  /**
   * Reference labels at the model grid's pixel centres (nearest native pixel), for fitting a head
   * on the model's features: {@code out} is my x mx, row-major.
   */
  public void labelsToModelGrid(byte[] labels, int offset, byte[] out) {
    int[] x0 = new int[mx], x1 = new int[mx];
    float[] fx = new float[mx];
    axis(nx, mx, stepX, x0, x1, fx);
    int[] y0 = new int[my], y1 = new int[my];
    float[] fy = new float[my];
    axis(ny, my, stepY, y0, y1, fy);
    for (int j = 0; j < my; j++) {
      int row = offset + (fy[j] < 0.5f ? y0[j] : y1[j]) * nx;
      for (int i = 0; i < mx; i++) out[j * mx + i] = labels[row + (fx[i] < 0.5f ? x0[i] : x1[i])];
    }
  }

  /**
   * For each of the {@code m} target samples along one axis: the two source indices around it and
   * the weight of the second. Target sample t sits at source position c + (t - (m-1)/2) * step with
   * c = (n-1)/2, clamped to the source.
   */
  private static void axis(int n, int m, double step, int[] lo, int[] hi, float[] frac) {
    double centre = (n - 1) / 2.0, targetCentre = (m - 1) / 2.0;
    for (int t = 0; t < m; t++) {
      double pos = Math.max(0, Math.min(n - 1, centre + (t - targetCentre) * step));
      int i0 = (int) Math.floor(pos);
      lo[t] = i0;
      hi[t] = Math.min(i0 + 1, n - 1);
      frac[t] = (float) (pos - i0);
    }
  }
}
