package org.secaimed.dicom.labelmap;

import java.util.Arrays;

/**
 * A label map as read from a file, in its own index order, with its geometry converted to DICOM
 * patient space (LPS, mm): voxel (i, j, k) lies at {@code origin + sum_a index_a * spacing_a * direction_a}.
 * Values are labels 0..255, linear index {@code i + sizes[0] * (j + sizes[1] * k)}.
 */
public record LabelMapImage(int[] sizes, double[] spacing, double[] origin, double[][] directions, byte[] labels, String source) {

  public LabelMapImage {
    sizes = sizes.clone();
    spacing = spacing.clone();
    origin = origin.clone();
    directions = new double[][] {directions[0].clone(), directions[1].clone(), directions[2].clone()};
    if ((long) sizes[0] * sizes[1] * sizes[2] != labels.length) {
      throw new IllegalArgumentException("label count " + labels.length + " does not match sizes " + Arrays.toString(sizes));
    }
  }

  /** World position (LPS) of voxel index y. */
  double[] positionOf(double[] y) {
    double[] p = origin.clone();
    for (int a = 0; a < 3; a++) for (int r = 0; r < 3; r++) p[r] += y[a] * spacing[a] * directions[a][r];
    return p;
  }

  @Override
  public String toString() {
    return source + " " + sizes[0] + "x" + sizes[1] + "x" + sizes[2] + " spacing=" + Arrays.toString(spacing)
        + " origin(LPS)=" + Arrays.toString(origin);
  }
}
