package org.secaimed.devtools.phantom;

/** One slice being drawn: shapes in mm (x to the patient's left, y posterior) painted in order. */
final class Canvas {
  final double[] hu;
  final byte[] labels;
  final int nx, ny;
  final double px, x0, y0;

  Canvas(double[] hu, byte[] labels, int nx, int ny, double px, double x0, double y0) {
    this.hu = hu;
    this.labels = labels;
    this.nx = nx;
    this.ny = ny;
    this.px = px;
    this.x0 = x0;
    this.y0 = y0;
  }

  /** Paints the ellipse centred (cx, cy) with semi-axes (a, b) mm; label &lt; 0 keeps the existing label. */
  void ellipse(double cx, double cy, double a, double b, double value, int label) {
    if (a <= 0 || b <= 0) return;
    int i0 = Math.max(0, (int) Math.floor((cx - a - x0) / px)), i1 = Math.min(nx - 1, (int) Math.ceil((cx + a - x0) / px));
    int j0 = Math.max(0, (int) Math.floor((cy - b - y0) / px)), j1 = Math.min(ny - 1, (int) Math.ceil((cy + b - y0) / px));
    for (int j = j0; j <= j1; j++) {
      double dy = (y0 + j * px - cy) / b;
      for (int i = i0; i <= i1; i++) {
        double dx = (x0 + i * px - cx) / a;
        if (dx * dx + dy * dy <= 1) {
          int idx = j * nx + i;
          hu[idx] = value;
          if (label >= 0) labels[idx] = (byte) label;
        }
      }
    }
  }

  /** Paints an axis-aligned rectangle. */
  void rectangle(double xMin, double yMin, double xMax, double yMax, double value, int label) {
    int i0 = Math.max(0, (int) Math.ceil((xMin - x0) / px)), i1 = Math.min(nx - 1, (int) Math.floor((xMax - x0) / px));
    int j0 = Math.max(0, (int) Math.ceil((yMin - y0) / px)), j1 = Math.min(ny - 1, (int) Math.floor((yMax - y0) / px));
    for (int j = j0; j <= j1; j++) {
      for (int i = i0; i <= i1; i++) {
        hu[j * nx + i] = value;
        if (label >= 0) labels[j * nx + i] = (byte) label;
      }
    }
  }
}
