package org.secaimed.enclave.server.algorithms.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.secaimed.dicom.volume.ImageGeometry;

class OverlapMetricsTest {

  static ImageGeometry grid(int nx, int ny, int nz, double sx, double sy, double sz) {
    return new ImageGeometry(nx, ny, nz, new double[] {sx, sy, sz}, new double[] {0, 0, 0},
        new double[] {1, 0, 0}, new double[] {0, 1, 0}, new double[] {0, 0, 1});
  }

  @Test
  void distanceTransformEqualsBruteForceOnAnAnisotropicGrid() {
    int nx = 13, ny = 9, nz = 7;
    double sx = 0.7, sy = 1.3, sz = 2.5;
    Random r = new Random(42);
    boolean[] site = new boolean[nx * ny * nz];
    for (int i = 0; i < site.length; i++) site[i] = r.nextInt(40) == 0;
    float[] d = DistanceTransform.squared(site, nx, ny, nz, sx, sy, sz);
    for (int k = 0; k < nz; k++) for (int j = 0; j < ny; j++) for (int i = 0; i < nx; i++) {
      double best = Double.POSITIVE_INFINITY;
      for (int c = 0; c < nz; c++) for (int b = 0; b < ny; b++) for (int a = 0; a < nx; a++) {
        if (!site[a + nx * (b + ny * c)]) continue;
        double dd = Math.pow((a - i) * sx, 2) + Math.pow((b - j) * sy, 2) + Math.pow((c - k) * sz, 2);
        best = Math.min(best, dd);
      }
      assertThat((double) d[i + nx * (j + ny * k)]).isCloseTo(best, within(1e-3 * Math.max(1, best)));
    }
  }

  @Test
  void hausdorff95OfACubeShiftedByTwoVoxelsIsTwoSpacings() {
    ImageGeometry g = grid(30, 30, 30, 0.8, 0.8, 1.5);
    byte[] a = new byte[27000], b = new byte[27000];
    for (int k = 10; k < 20; k++) for (int j = 10; j < 20; j++) for (int i = 10; i < 20; i++) {
      a[i + 30 * (j + 30 * k)] = 1;
      b[(i + 2) + 30 * (j + 30 * k)] = 1;
    }
    double hd = OverlapMetrics.hausdorff95(g, a, 1, b, 1);
    assertThat(hd).isCloseTo(1.6, within(1e-6)); // 2 voxels along x at 0.8 mm
    assertThat(OverlapMetrics.dice(a, 1, b, 1)).isCloseTo(0.8, within(1e-9));
    assertThat(OverlapMetrics.hausdorff95(g, a, 1, a, 1)).isZero();
    assertThat(OverlapMetrics.hausdorff95(g, a, 1, new byte[27000], 1)).isNaN();
  }

  @Test
  void diceOfTwoEmptyMasksIsOneAndOfDisjointMasksZero() {
    byte[] a = new byte[10], b = new byte[10];
    assertThat(OverlapMetrics.dice(a, 1, b, 1)).isEqualTo(1.0);
    a[0] = 1;
    b[1] = 1;
    assertThat(OverlapMetrics.dice(a, 1, b, 1)).isZero();
  }
}
