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
      byte[] largest = Masks.largestComponents(m, nx, ny, nz, 1, 0);
      int count = 0;
      for (byte b : largest) count += b;
      assertThat(count).isEqualTo(expected.get(0));
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
    byte[] out = Masks.removeSmallComponents(m, 10, 10, 1, 5);
    assertThat(out[0]).isZero();
    assertThat(out[55]).isEqualTo((byte) 1);
  }
}
