package org.secaimed.kaapana.cli;

import java.util.Locale;

/**
 * The one way commands print sizes and rates: binary units (KiB, MiB, GiB = 1024-based), written
 * with the "i" so nobody has to guess. JSON carries raw bytes and seconds (and MiB/s where a rate
 * is useful), never decimal MB.
 */
public final class Units {
  private static final double KIB = 1024.0;
  private static final double MIB = KIB * 1024;
  private static final double GIB = MIB * 1024;

  private Units() {}

  /** {@code 512 B}, {@code 4.9 KiB}, {@code 25.2 MiB}, {@code 1.07 GiB}. */
  public static String bytes(long n) {
    if (n < 1024) return n + " B";
    if (n < MIB) return String.format(Locale.ROOT, "%.1f KiB", n / KIB);
    if (n < GIB) return String.format(Locale.ROOT, "%.1f MiB", n / MIB);
    return String.format(Locale.ROOT, "%.2f GiB", n / GIB);
  }

  public static double mibPerSecond(long bytes, long nanos) {
    return nanos <= 0 ? 0 : bytes / MIB / (nanos / 1e9);
  }

  /** {@code 212 MiB/s}. */
  public static String rate(long bytes, long nanos) {
    return String.format(Locale.ROOT, "%.0f MiB/s", mibPerSecond(bytes, nanos));
  }
}
