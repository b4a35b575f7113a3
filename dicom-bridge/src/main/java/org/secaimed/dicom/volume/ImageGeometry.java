package org.secaimed.dicom.volume;

import java.util.Arrays;

/**
 * Where the voxels of a regular 3-D grid sit in DICOM patient space (LPS, millimetres).
 *
 * <p>Voxel (i, j, k) — column i, row j, slice k — is centred at
 * {@code origin + i*spacing[0]*rowDirection + j*spacing[1]*columnDirection + k*spacing[2]*sliceDirection}.
 * {@code rowDirection} is the first triplet of DICOM ImageOrientationPatient (the direction in which
 * the column index grows along a row), {@code columnDirection} the second. Note that DICOM
 * PixelSpacing lists (row spacing, column spacing), i.e. (spacing[1], spacing[0]) here.
 * Linear voxel index = i + columns * (j + rows * k).
 */
public record ImageGeometry(
    int columns,
    int rows,
    int slices,
    double[] spacing,
    double[] origin,
    double[] rowDirection,
    double[] columnDirection,
    double[] sliceDirection) {

  public ImageGeometry {
    if (columns <= 0 || rows <= 0 || slices <= 0) {
      throw new IllegalArgumentException(
          "geometry size must be positive: " + columns + "x" + rows + "x" + slices);
    }
    spacing = checked("spacing", spacing);
    origin = checked("origin", origin);
    rowDirection = checked("rowDirection", rowDirection);
    columnDirection = checked("columnDirection", columnDirection);
    sliceDirection = checked("sliceDirection", sliceDirection);
    for (int a = 0; a < 3; a++) {
      if (!(spacing[a] > 0)) throw new IllegalArgumentException("spacing must be positive: " + Arrays.toString(spacing));
    }
  }

  private static double[] checked(String name, double[] v) {
    if (v == null || v.length != 3) throw new IllegalArgumentException(name + " must have 3 components");
    for (double x : v) if (!Double.isFinite(x)) throw new IllegalArgumentException(name + " must be finite: " + Arrays.toString(v));
    return v.clone();
  }

  public long voxelCount() {
    return (long) columns * rows * slices;
  }

  public int frameSize() {
    return columns * rows;
  }

  /** Patient-space position (LPS, mm) of the centre of voxel (i, j, k). */
  public double[] positionOf(double i, double j, double k) {
    double[] p = new double[3];
    for (int a = 0; a < 3; a++) {
      p[a] = origin[a]
          + i * spacing[0] * rowDirection[a]
          + j * spacing[1] * columnDirection[a]
          + k * spacing[2] * sliceDirection[a];
    }
    return p;
  }

  @Override
  public double[] spacing() { return spacing.clone(); }
  @Override
  public double[] origin() { return origin.clone(); }
  @Override
  public double[] rowDirection() { return rowDirection.clone(); }
  @Override
  public double[] columnDirection() { return columnDirection.clone(); }
  @Override
  public double[] sliceDirection() { return sliceDirection.clone(); }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageGeometry g
        && columns == g.columns && rows == g.rows && slices == g.slices
        && Arrays.equals(spacing, g.spacing) && Arrays.equals(origin, g.origin)
        && Arrays.equals(rowDirection, g.rowDirection) && Arrays.equals(columnDirection, g.columnDirection)
        && Arrays.equals(sliceDirection, g.sliceDirection);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new int[] {columns, rows, slices}) * 31 + Arrays.hashCode(origin);
  }

  @Override
  public String toString() {
    return columns + "x" + rows + "x" + slices + " spacing=" + Arrays.toString(spacing) + " origin=" + Arrays.toString(origin);
  }
}
