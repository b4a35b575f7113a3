package org.secaimed.enclave.server.algorithms.morphology;

import java.util.Arrays;

/**
 * 6-connected components of a binary mask, labelled on runs rather than voxels: each row is cut into
 * runs of foreground, runs that overlap a run in the previous row or previous slice are united
 * (union-find). Memory grows with the number of runs (about a million for a 512x512x300 CT body),
 * not with the voxel count, and one pass over the bytes does the work.
 */
public final class RunComponents {
  private final int nx, ny, nz;
  private final int[] runRow, runStart, runEnd; // end exclusive
  private final int[] rowFirstRun; // runs of row r are [rowFirstRun[r], rowFirstRun[r+1])
  private final int[] parent;
  private final int runCount;

  private RunComponents(int nx, int ny, int nz, int[] runRow, int[] runStart, int[] runEnd, int[] rowFirstRun, int runCount) {
    this.nx = nx;
    this.ny = ny;
    this.nz = nz;
    this.runRow = runRow;
    this.runStart = runStart;
    this.runEnd = runEnd;
    this.rowFirstRun = rowFirstRun;
    this.runCount = runCount;
    this.parent = new int[runCount];
    for (int i = 0; i < runCount; i++) parent[i] = i;
    unite();
  }

  /** Labels the voxels where {@code mask[i] != 0}; {@code offset} is where the nx*ny*nz block starts. */
  public static RunComponents of(byte[] mask, int offset, int nx, int ny, int nz) {
    int rows = ny * nz;
    int capacity = 1024;
    int[] row = new int[capacity], start = new int[capacity], end = new int[capacity];
    int[] first = new int[rows + 1];
    int n = 0;
    for (int r = 0; r < rows; r++) {
      first[r] = n;
      int base = offset + r * nx;
      int i = 0;
      while (i < nx) {
        i = skipZeros(mask, base, i, nx);
        if (i == nx) break;
        int s = i;
        i = skipOnes(mask, base, i, nx);
        if (n == capacity) {
          capacity *= 2;
          row = Arrays.copyOf(row, capacity);
          start = Arrays.copyOf(start, capacity);
          end = Arrays.copyOf(end, capacity);
        }
        row[n] = r;
        start[n] = s;
        end[n] = i;
        n++;
      }
    }
    first[rows] = n;
    return new RunComponents(nx, ny, nz, row, start, end, first, n);
  }

  /** Reads eight mask bytes as one word: background and foreground runs are crossed a word at a time. */
  private static final java.lang.invoke.VarHandle WORD =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  /** Eight foreground bytes as the thresholds write them (1); other non-zero values take the byte-wise path. */
  private static final long ONES = 0x0101010101010101L;

  /** The first index at or after {@code i} (below {@code nx}) whose byte is non-zero, or {@code nx}. */
  private static int skipZeros(byte[] mask, int base, int i, int nx) {
    while (i + 8 <= nx && (long) WORD.get(mask, base + i) == 0L) i += 8;
    while (i < nx && mask[base + i] == 0) i++;
    return i;
  }

  /** The first index at or after {@code i} (below {@code nx}) whose byte is zero, or {@code nx}. */
  private static int skipOnes(byte[] mask, int base, int i, int nx) {
    while (i + 8 <= nx && (long) WORD.get(mask, base + i) == ONES) i += 8;
    while (i < nx && mask[base + i] != 0) i++;
    return i;
  }

  private void unite() {
    for (int r = 0; r < ny * nz; r++) {
      int j = r % ny;
      if (j > 0) link(r, r - 1);
      if (r >= ny) link(r, r - ny);
    }
  }

  private void link(int row, int otherRow) {
    int a = rowFirstRun[row], aEnd = rowFirstRun[row + 1];
    int b = rowFirstRun[otherRow], bEnd = rowFirstRun[otherRow + 1];
    while (a < aEnd && b < bEnd) {
      if (runStart[a] < runEnd[b] && runStart[b] < runEnd[a]) union(a, b);
      if (runEnd[a] < runEnd[b]) a++;
      else b++;
    }
  }

  private int find(int x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }

  private void union(int a, int b) {
    int ra = find(a), rb = find(b);
    if (ra != rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }

  /** Voxel count per component root (indexed by run id; zero for non-roots). */
  public long[] sizes() {
    long[] size = new long[runCount];
    for (int i = 0; i < runCount; i++) size[find(i)] += runEnd[i] - runStart[i];
    return size;
  }

  /** Root ids of the largest components, biggest first, at most {@code n}. */
  public int[] largest(int n) {
    long[] size = sizes();
    Integer[] roots = java.util.stream.IntStream.range(0, runCount).filter(i -> size[i] > 0).boxed().toArray(Integer[]::new);
    Arrays.sort(roots, (x, y) -> Long.compare(size[y], size[x]));
    int[] out = new int[Math.min(n, roots.length)];
    for (int i = 0; i < out.length; i++) out[i] = roots[i];
    return out;
  }

  /** The root id of a run's component. */
  public int componentOfRun(int run) {
    return find(run);
  }

  /** Whether any run of the component touches the block's in-plane border (first/last row or column). */
  public boolean[] touchesInPlaneBorder() {
    boolean[] touches = new boolean[runCount];
    for (int i = 0; i < runCount; i++) {
      int j = runRow[i] % ny;
      if (j == 0 || j == ny - 1 || runStart[i] == 0 || runEnd[i] == nx) touches[find(i)] = true;
    }
    return touches;
  }

  /** Writes {@code value} into {@code out} (same block layout) for every voxel of a component {@code keep} accepts. */
  public void paint(byte[] out, int offset, java.util.function.IntPredicate keepRoot, byte value) {
    for (int i = 0; i < runCount; i++) {
      if (keepRoot.test(find(i))) Arrays.fill(out, offset + runRow[i] * nx + runStart[i], offset + runRow[i] * nx + runEnd[i], value);
    }
  }

  public int runCount() {
    return runCount;
  }

  int slices() {
    return nz;
  }
}
