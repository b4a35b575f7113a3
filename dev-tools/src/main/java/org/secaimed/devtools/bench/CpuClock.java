package org.secaimed.devtools.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU seconds used so far by this JVM and by its parent process (in {@code bench cohort}, the
 * parent runs the enclave): read at the ends of a phase, they say how many cores each side kept
 * busy, which is what bounds the speedup of K concurrent series on a small host. The parent's
 * figure comes from Linux's /proc and is NaN elsewhere. Bench only.
 */
public final class CpuClock {
  private static final double TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux we run on

  /** CPU seconds of both processes at one moment. */
  public record Reading(double operatorSeconds, double enclaveSeconds, long nanoTime) {
    /** Cores kept busy by each side between {@code earlier} and this reading: {operator, enclave}. */
    public double[] coresSince(Reading earlier) {
      double wall = (nanoTime - earlier.nanoTime) / 1e9;
      return new double[] {(operatorSeconds - earlier.operatorSeconds) / wall, (enclaveSeconds - earlier.enclaveSeconds) / wall};
    }
  }

  private CpuClock() {}

  public static Reading read() {
    long own = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    return new Reading(own / 1e9, parentSeconds(), System.nanoTime());
  }

  private static double parentSeconds() {
    try {
      long ppid = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
      if (ppid < 0) return Double.NaN;
      String stat = Files.readString(Path.of("/proc/" + ppid + "/stat"));
      // Fields after the command name (which may hold spaces) start after the last ')': utime and stime are fields 14 and 15.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    } catch (Exception e) {
      return Double.NaN;
    }
  }
}
