package org.secaimed.enclave.server.algorithms.morphology;

import java.util.stream.IntStream;

/** Whole-volume mask operations built on {@link RunComponents}; masks are byte[] with non-zero = inside. */
public final class Masks {
  private Masks() {}

  /**
   * Keeps, in place, the {@code n} largest 6-connected components whose size is at least
   * {@code minFraction} of the largest, and clears every other one; returns {@code mask}. In place
   * because a mask is a byte per voxel: a whole-body CT of 2,000 slices makes each copy half a gigabyte.
   */
  public static byte[] keepLargestComponents(byte[] mask, int nx, int ny, int nz, int n, double minFraction) {
    RunComponents c = RunComponents.of(mask, 0, nx, ny, nz);
    int[] roots = c.largest(n);
    long[] size = c.sizes();
    java.util.Set<Integer> keep = new java.util.HashSet<>();
    for (int r : roots) if (size[r] >= minFraction * size[roots[0]]) keep.add(r);
    c.paint(mask, 0, r -> !keep.contains(r), (byte) 0);
    return mask;
  }

  /** Clears, in place, the 6-connected components smaller than {@code minVoxels}; returns {@code mask}. */
  public static byte[] dropSmallComponents(byte[] mask, int nx, int ny, int nz, long minVoxels) {
    RunComponents c = RunComponents.of(mask, 0, nx, ny, nz);
    long[] size = c.sizes();
    c.paint(mask, 0, r -> size[r] < minVoxels, (byte) 0);
    return mask;
  }

  /**
   * Fills, slice by slice, every background region not connected (4-connectivity in-plane) to the
   * slice border: the classical 2-D hole filling for axial CT. Slices run in parallel.
   */
  public static void fillHolesPerSlice(byte[] mask, int nx, int ny, int nz) {
    int frame = nx * ny;
    IntStream.range(0, nz).parallel().forEach(k -> {
      byte[] background = new byte[frame];
      int off = k * frame;
      for (int i = 0; i < frame; i++) background[i] = (byte) (mask[off + i] == 0 ? 1 : 0);
      RunComponents c = RunComponents.of(background, 0, nx, ny, 1);
      boolean[] outside = c.touchesInPlaneBorder();
      c.paint(mask, off, r -> !outside[r], (byte) 1);
    });
  }
}
