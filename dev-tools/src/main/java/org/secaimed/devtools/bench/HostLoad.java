package org.secaimed.devtools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The host's load averages as {@code uptime} prints them, printed beside benchmark figures (a shared host skews them). */
public final class HostLoad {
  private HostLoad() {}

  /** "1.28 1.30 2.03" (1, 5 and 15 minutes), or the JVM's 1-minute figure where /proc is absent. */
  public static String averages() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return String.format("%.2f", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }
}
