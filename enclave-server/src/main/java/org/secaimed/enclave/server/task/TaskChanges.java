package org.secaimed.enclave.server.task;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What long polls wait on ({@code GET /v1/tasks/{id}?waitMillis}): a change counter that every
 * recorded change of any task moves. A waiter answers when its own task finished, took another
 * state or step, or got {@link #PROGRESS_STEP} further (not at every slice an algorithm reports),
 * or when its wait is over. At most {@link #MAX_WAITING} requests wait at once (each holds a server
 * thread); more are answered at once.
 */
final class TaskChanges {
  static final int MAX_WAITING = 32;
  static final double PROGRESS_STEP = 0.05;

  /** Reads a task's current record. */
  @FunctionalInterface
  interface Reader {
    TaskRecord read() throws IOException;
  }

  private final Object lock = new Object();
  private long version;
  private final AtomicInteger waiting = new AtomicInteger();

  /** Some task changed: every waiter reads its own task again. */
  void changed() {
    synchronized (lock) {
      version++;
      lock.notifyAll();
    }
  }

  /** {@code current} once it has moved from {@code asked} or finished, or after {@code wait}. */
  TaskRecord await(TaskRecord asked, Reader current, Duration wait) throws IOException {
    if (wait.isZero() || asked.finished()) return asked;
    if (waiting.incrementAndGet() > MAX_WAITING) {
      waiting.decrementAndGet();
      return asked;
    }
    try {
      long deadline = System.nanoTime() + wait.toNanos();
      while (true) {
        long seen;
        synchronized (lock) {
          seen = version;
        }
        // Read outside the lock, so recording a change never waits for a waiter's file read; a
        // change after the read moves the version, and the wait below then does not block.
        TaskRecord now = current.read();
        if (now.finished() || moved(asked, now) || deadline - System.nanoTime() <= 0) return now;
        synchronized (lock) {
          for (long left; version == seen && (left = deadline - System.nanoTime()) > 0; ) {
            lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return current.read();
    } finally {
      waiting.decrementAndGet();
    }
  }

  static boolean moved(TaskRecord before, TaskRecord now) {
    if (!Objects.equals(before.state(), now.state()) || !Objects.equals(before.message(), now.message())) return true;
    double a = before.progress() == null ? 0 : before.progress();
    double b = now.progress() == null ? 0 : now.progress();
    return Math.abs(b - a) >= PROGRESS_STEP - 1e-9; // 0.15 - 0.10 is a little under 0.05 in binary
  }
}
