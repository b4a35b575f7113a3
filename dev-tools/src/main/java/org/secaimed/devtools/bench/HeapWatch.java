package org.secaimed.devtools.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Watches this JVM's heap while a workload runs. Peak in use: the heap only grows between
 * collections, so its peak is the largest "in use before the collection" that the collector
 * reports in its notifications (exact), or what a 5 ms sampler saw after the last one; the sum of
 * the heap pools' peaks (an upper bound: pools peak at different times); and the largest live set
 * after a collection, summed over the pools' usage after their latest collection (the figure that
 * says whether memory is bounded).
 */
public final class HeapWatch implements AutoCloseable {
  /** Bytes. */
  public record Figures(long maxHeap, long peakUsedSampled, long peakPoolSum, long maxLiveAfterGc) {}

  private final List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(b -> b.getType() == MemoryType.HEAP).toList();
  private final Set<String> heapPools = pools.stream().map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
  private final AtomicLong peakUsed = new AtomicLong();
  private final AtomicLong liveAfterGc = new AtomicLong();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener onCollection = this::collected;
  private final Thread sampler;

  private HeapWatch() {
    pools.forEach(MemoryPoolMXBean::resetPeakUsage);
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter e) {
        e.addNotificationListener(onCollection, null, null);
        emitters.add(e);
      }
    }
    sampler = new Thread(this::sample, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  public static HeapWatch start() {
    return new HeapWatch();
  }

  private void collected(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) return;
    var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo();
    peakUsed.accumulateAndGet(heapUsed(info.getMemoryUsageBeforeGc()), Math::max);
  }

  private long heapUsed(Map<String, MemoryUsage> byPool) {
    long used = 0;
    for (var e : byPool.entrySet()) if (heapPools.contains(e.getKey())) used += e.getValue().getUsed();
    return used;
  }

  private void sample() {
    while (!Thread.currentThread().isInterrupted()) {
      peakUsed.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
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

  /** Stops watching and returns what was seen. */
  public Figures stop() throws InterruptedException {
    sampler.interrupt();
    sampler.join();
    removeListeners();
    long poolSum = 0;
    for (MemoryPoolMXBean b : pools) poolSum += b.getPeakUsage().getUsed();
    return new Figures(Runtime.getRuntime().maxMemory(), peakUsed.get(), poolSum, liveAfterGc.get());
  }

  private void removeListeners() {
    for (NotificationEmitter e : emitters) {
      try {
        e.removeNotificationListener(onCollection);
      } catch (ListenerNotFoundException ignored) {
        // already removed
      }
    }
    emitters.clear();
  }

  @Override
  public void close() {
    sampler.interrupt();
    removeListeners();
  }
}
