package org.secaimed.devtools.phantom;

import java.util.SplittableRandom;

/**
 * The chest at one height: {@code u} runs from 0 (upper abdomen, below the lungs) to 1 (above the
 * lung apices). Sizes are in mm for an adult; random phases (vessels, rib slope) come from the seed
 * only, so neighbouring slices stay coherent.
 */
final class Anatomy {
  private static final int RIB_LEVELS = 12, VERTEBRAE = 14, VESSELS_PER_LUNG = 7;

  private final double u;
  private final double[] vesselPhase = new double[4 * VESSELS_PER_LUNG];
  private final double ribTwist;

  Anatomy(long seed, double u) {
    this.u = u;
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < vesselPhase.length; i++) vesselPhase[i] = r.nextDouble();
    this.ribTwist = r.nextDouble(-0.15, 0.15);
  }

  void render(Canvas c, boolean table) {
    double a = 160 * (0.94 + 0.06 * Math.sin(Math.PI * u)), b = 112 * (0.95 + 0.05 * Math.sin(Math.PI * u));
    if (table) {
      // A curved-looking table: a plate 12 mm below the back, separated by an air gap.
      c.rectangle(-200, b + 12, 200, b + 24, CtPhantom.TABLE, 0);
    }
    c.ellipse(0, 0, a, b, CtPhantom.FAT, CtPhantom.BODY);
    c.ellipse(0, 0, a - 12, b - 12, CtPhantom.SOFT, CtPhantom.BODY);
    lungs(c);
    spine(c, b);
    if (u > 0.3 && u < 0.85) c.ellipse(0, -b + 16, 15, 7, CtPhantom.BONE_HU, CtPhantom.BONE); // sternum
    ribs(c, a, b);
  }

  private void lungs(Canvas c) {
    if (u < 0.15 || u > 0.95) return;
    double s = Math.sqrt(Math.sin(Math.PI * (u - 0.15) / 0.8));
    for (int side = -1; side <= 1; side += 2) {
      double cx = side * 72, cy = -4, la = 46 * s, lb = 70 * s;
      c.ellipse(cx, cy, la, lb, CtPhantom.LUNG_HU, CtPhantom.LUNG);
      for (int v = 0; v < VESSELS_PER_LUNG; v++) {
        int p = (side < 0 ? 0 : 2 * VESSELS_PER_LUNG) + 2 * v;
        double angle = 2 * Math.PI * (vesselPhase[p] + 0.3 * u);
        double radius = 0.6 * vesselPhase[p + 1];
        double r = 2.0 + 2.0 * vesselPhase[p + 1];
        c.ellipse(cx + radius * la * Math.cos(angle), cy + radius * lb * Math.sin(angle), r, r, CtPhantom.SOFT, CtPhantom.LUNG);
      }
    }
  }

  private void spine(Canvas c, double b) {
    double level = u * VERTEBRAE - Math.floor(u * VERTEBRAE);
    double cy = b - 48;
    if (level < 0.18) {
      c.ellipse(0, cy, 18, 16, CtPhantom.DISC, CtPhantom.BODY); // intervertebral disc
    } else {
      c.ellipse(0, cy, 18, 16, CtPhantom.BONE_HU, CtPhantom.BONE); // vertebral body
    }
    c.ellipse(0, cy + 26, 14, 12, CtPhantom.BONE_HU, CtPhantom.BONE); // neural arch
    c.ellipse(0, cy + 26, 7.5, 6.5, CtPhantom.CSF, CtPhantom.BODY); // spinal canal
    c.ellipse(0, cy + 40, 5, 8, CtPhantom.BONE_HU, CtPhantom.BONE); // spinous process
  }

  private void ribs(Canvas c, double a, double b) {
    if (u < 0.1 || u > 0.92) return;
    double level = u * RIB_LEVELS - Math.floor(u * RIB_LEVELS);
    if (level > 0.45) return;
    // Ribs slope: where a rib cuts the slice moves around the thorax with the level.
    for (int side = -1; side <= 1; side += 2) {
      for (int n = 0; n < 5; n++) {
        double t = (0.1 + 0.14 * n + ribTwist + 0.25 * level) * Math.PI;
        double x = side * (a - 16) * Math.sin(t), y = -(b - 16) * Math.cos(t);
        c.ellipse(x, y, 6.5, 5, CtPhantom.BONE_HU, CtPhantom.BONE);
      }
    }
  }
}
