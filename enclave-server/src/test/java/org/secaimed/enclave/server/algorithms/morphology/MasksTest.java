package org.secaimed.enclave.server.algorithms.morphology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MasksTest {

  /** Reference: 6-connected component sizes by breadth-first search over voxels. */
  static List<Integer> bfsSizes(byte[] m, int nx, int ny, int nz) {
    boolean[] seen = new boolean[m.length];
    List<Integer> sizes = new ArrayList<>();
    for (int s = 0; s < m.length; s++) {
      if (m[s] == 0 || seen[s]) continue;
      int size = 0;
      ArrayDeque<Integer> q = new ArrayDeque<>(List.of(s));
      seen[s] = true;
      while (!q.isEmpty()) {
        int v = q.poll();
        size++;
        int i = v % nx, j = (v / nx) % ny, k = v / (nx * ny);
        int[][] nb = {{i - 1, j, k}, {i + 1, j, k}, {i, j - 1, k}, {i, j + 1, k}, {i, j, k - 1}, {i, j, k + 1}};
        for (int[] n : nb) {
          if (n[0] < 0 || n[1] < 0 || n[2] < 0 || n[0] >= nx || n[1] >= ny || n[2] >= nz) continue;
          int w = n[0] + nx * (n[1] + ny * n[2]);
          if (m[w] != 0 && !seen[w]) {
            seen[w] = true;
            q.add(w);
          }
        }
      }
      sizes.add(size);
    }
    sizes.sort((a, b) -> b - a);
    return sizes;
  }

  @Test
  void runComponentsAgreeWithBreadthFirstSearchOnRandomMasks() {
    Random r = new Random(7);
    for (int trial = 0; trial < 20; trial++) {
      int nx = 5 + r.nextInt(20), ny = 5 + r.nextInt(20), nz = 1 + r.nextInt(8);
      byte[] m = new byte[nx * ny * nz];
      for (int i = 0; i < m.length; i++) m[i] = (byte) (r.nextInt(100) < 45 ? 1 : 0);
      List<Integer> expected = bfsSizes(m, nx, ny, nz);
      RunComponents c = RunComponents.of(m, 0, nx, ny, nz);
      List<Integer> got = new ArrayList<>();
      for (long s : c.sizes()) if (s > 0) got.add((int) s);
      got.sort((a, b) -> b - a);
      assertThat(got).as("trial %d", trial).isEqualTo(expected);
      byte[] before = m.clone();
      byte[] largest = Masks.keepLargestComponents(m, nx, ny, nz, 1, 0);
      assertThat(largest).isSameAs(m);
      int count = 0;
      for (int i = 0; i < m.length; i++) {
        count += largest[i];
        if (before[i] == 0) assertThat(largest[i]).isZero();
      }
      assertThat(count).isEqualTo(expected.get(0));
    }
  }

  /**
   * Long runs, as real CT masks have, are crossed eight bytes at a time: blocky masks with widths
   * that are no multiple of eight, foreground bytes other than 1 mixed in, and the block at an
   * offset inside a larger array, against the breadth-first reference.
   */
  @Test
  void longRunsAndOddWidthsAtAnOffsetAgreeWithBreadthFirstSearch() {
    Random r = new Random(11);
    for (int trial = 0; trial < 40; trial++) {
      int nx = 9 + r.nextInt(60), ny = 3 + r.nextInt(12), nz = 1 + r.nextInt(5), offset = r.nextInt(17);
      byte[] m = new byte[nx * ny * nz];
      for (int i = 0; i < m.length; ) {
        int run = 1 + r.nextInt(40);
        byte v = (byte) (r.nextBoolean() ? 0 : r.nextInt(10) == 0 ? 1 + r.nextInt(200) : 1);
        for (int k = 0; k < run && i < m.length; k++, i++) m[i] = v;
      }
      byte[] padded = new byte[offset + m.length + 5];
      java.util.Arrays.fill(padded, (byte) 1);
      System.arraycopy(m, 0, padded, offset, m.length);
      RunComponents c = RunComponents.of(padded, offset, nx, ny, nz);
      List<Integer> got = new ArrayList<>();
      for (long s : c.sizes()) if (s > 0) got.add((int) s);
      got.sort((a, b) -> b - a);
      assertThat(got).as("trial %d (%dx%dx%d at %d)", trial, nx, ny, nz, offset).isEqualTo(bfsSizes(m, nx, ny, nz));
      byte[] painted = new byte[padded.length];
      c.paint(painted, offset, root -> true, (byte) 1);
      for (int i = 0; i < m.length; i++) assertThat(painted[offset + i]).isEqualTo((byte) (m[i] != 0 ? 1 : 0));
    }
  }

  @Test
  void fillsEnclosedHolesButNotBayOpenToTheBorder() {
    int nx = 9, ny = 7;
    String[] rows = {
        ".........",
        ".#####...",
        ".#...#...",
        ".#...#.#.",
        ".#####.#.",
        ".......#.",
        "........."};
    byte[] m = new byte[nx * ny];
    for (int j = 0; j < ny; j++) for (int i = 0; i < nx; i++) m[j * nx + i] = (byte) (rows[j].charAt(i) == '#' ? 1 : 0);
    Masks.fillHolesPerSlice(m, nx, ny, 1);
    assertThat(m[3 * nx + 3]).isEqualTo((byte) 1); // inside the ring
    assertThat(m[3 * nx + 6]).isEqualTo((byte) 0); // between ring and bar: open to the outside
    assertThat(m[0]).isEqualTo((byte) 0);
  }

  @Test
  void removesComponentsBelowTheSizeLimit() {
    byte[] m = new byte[100];
    m[0] = 1; // single voxel
    for (int i = 50; i < 60; i++) m[i] = 1; // a run of 10
    m[90] = 7; // a lone voxel of another foreground value: dropped as well
    byte[] out = Masks.dropSmallComponents(m, 10, 10, 1, 5);
    assertThat(out).isSameAs(m);
    assertThat(out[0]).isZero();
    assertThat(out[90]).isZero();
    for (int i = 50; i < 60; i++) assertThat(out[i]).isEqualTo((byte) 1);
  }
}
