package org.secaimed.dicom.exchange;

/**
 * One number a task reports: e.g. ("dice", 2, 0.97, null) for segment 2, ("hausdorff95", 2, 1.4, "mm"),
 * ("loss", 0, 0.12, null) for the task as a whole.
 *
 * @param segment segment number the value belongs to, or 0 for the whole task
 * @param unit UCUM-style unit ("mm", "s", "1"), or null when dimensionless
 */
public record Metric(String name, int segment, double value, String unit) {
  public Metric {
    if (name == null || !name.matches("[A-Za-z][A-Za-z0-9_.-]{0,63}")) throw new IllegalArgumentException("bad metric name: " + name);
    if (segment < 0) throw new IllegalArgumentException("metric " + name + ": segment must be >= 0");
    if (!Double.isFinite(value)) throw new IllegalArgumentException("metric " + name + ": value must be finite");
  }

  public static Metric task(String name, double value, String unit) {
    return new Metric(name, 0, value, unit);
  }

  public static Metric segment(String name, int segment, double value, String unit) {
    return new Metric(name, segment, value, unit);
  }
}
