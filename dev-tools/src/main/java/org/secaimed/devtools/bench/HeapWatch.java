package org.secaimed.devtools.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches this JVM's heap while a workload runs: the largest heap in use seen by a 5 ms sampler,
 * the sum of the heap pools' peaks, and the largest live set after a collection (the figure that
 * says whether memory is bounded; the others include garbage the collector had not needed to free).
 */
public final class HeapWatch implements AutoCloseable {
  /** Bytes. */
  public record Figures(long maxHeap, long peakUsedSampled, long peakPoolSum, long maxLiveAfterGc) {}

  private final List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(b -> b.getType() == MemoryType.HEAP).toList();
  private final AtomicLong sampled = new AtomicLong();
  private final AtomicLong liveAfterGc = new AtomicLong();
  private final Thread sampler;

  private HeapWatch() {
    pools.forEach(MemoryPoolMXBean::resetPeakUsage);
    sampler = new Thread(this::sample, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  public static HeapWatch start() {
    return new HeapWatch();
  }

  private void sample() {
    while (!Thread.currentThread().isInterrupted()) {
      sampled.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
      long live = 0;
      for (MemoryPoolMXBean b : pools) if (b.getCollectionUsage() != null) live += b.getCollectionUsage().getUsed();
      liveAfterGc.accumulateAndGet(live, Math::max);
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops sampling and returns what was seen. */
  public Figures stop() throws InterruptedException {
    sampler.interrupt();
    sampler.join();
    long poolSum = 0;
    for (MemoryPoolMXBean b : pools) poolSum += b.getPeakUsage().getUsed();
    return new Figures(Runtime.getRuntime().maxMemory(), sampled.get(), poolSum, liveAfterGc.get());
  }

  @Override
  public void close() {
    sampler.interrupt();
  }
}
