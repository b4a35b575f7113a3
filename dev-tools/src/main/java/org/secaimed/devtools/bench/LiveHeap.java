package org.secaimed.devtools.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The heap still in use right after a full collection, asked for at chosen moments of a run
 * (after 10 series, 20, ...): the live set, without the garbage that sampled figures include.
 * If it stays flat as the count grows, memory is bounded whatever the count. Each checkpoint's
 * collection stops every thread; its pause is kept so that the caller can take it out of the
 * run's wall time. Bench only.
 */
public final class LiveHeap {
  /** {@code label}: what had happened when it was taken; bytes in use after the collection; its pause. */
  public record Checkpoint(String label, int seriesDone, long liveBytes, double gcSeconds) {}

  private final List<Checkpoint> checkpoints = new ArrayList<>();

  /** Collects now (all threads stop) and records the heap in use after it. */
  public synchronized Checkpoint take(String label, int seriesDone) {
    long t = System.nanoTime();
    System.gc();
    double seconds = (System.nanoTime() - t) / 1e9;
    Checkpoint c = new Checkpoint(label, seriesDone, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), seconds);
    checkpoints.add(c);
    return c;
  }

  public synchronized List<Checkpoint> checkpoints() {
    return List.copyOf(checkpoints);
  }

  /** The pauses of checkpoints whose label starts with {@code prefix}, in seconds. */
  public synchronized double gcSeconds(String prefix) {
    return checkpoints.stream().filter(c -> c.label().startsWith(prefix)).mapToDouble(Checkpoint::gcSeconds).sum();
  }
}
