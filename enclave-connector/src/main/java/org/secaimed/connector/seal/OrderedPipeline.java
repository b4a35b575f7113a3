package org.secaimed.connector.seal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs chunk jobs on a fixed set of worker threads and hands results back in submission order.
 * At most {@code window} jobs are in flight: the caller must take the head before submitting
 * more, which is what gives the streams back-pressure and bounded memory. With one worker the
 * jobs run on the caller's thread and no threads are started.
 */
final class OrderedPipeline<T> implements AutoCloseable {
  private static final AtomicInteger POOL_NUMBER = new AtomicInteger();

  private final ExecutorService pool;
  private final ArrayDeque<Future<T>> inFlight = new ArrayDeque<>();
  private final int window;
  private final int parallelism;
  private final boolean callerRuns;
  private long submitted;

  /**
   * @param callerRuns whether the caller takes every parallelism-th job itself. Right for sealing,
   *     where the caller only copies plaintext in; wrong for opening, where the caller is the
   *     consumer parsing what comes out and should not also decrypt.
   */
  OrderedPipeline(int parallelism, String name, boolean callerRuns) {
    this.window = parallelism == 1 ? 1 : 2 * parallelism;
    this.parallelism = parallelism;
    this.callerRuns = callerRuns;
    int workers = callerRuns ? parallelism - 1 : parallelism;
    if (parallelism == 1) {
      this.pool = null;
    } else {
      String prefix = name + "-" + POOL_NUMBER.incrementAndGet() + "-";
      AtomicInteger n = new AtomicInteger();
      // With callerRuns the caller takes every parallelism-th job itself (see submit), so N cores
      // need N-1 workers: a worker per core plus a busy caller would oversubscribe the machine.
      ThreadPoolExecutor executor = new ThreadPoolExecutor(workers, workers, 10, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
      // Idle workers end on their own, so a stream its caller forgot to close leaks no threads.
      executor.allowCoreThreadTimeOut(true);
      this.pool = executor;
    }
  }

  boolean isFull() {
    return inFlight.size() >= window;
  }

  boolean isEmpty() {
    return inFlight.isEmpty();
  }

  boolean headDone() {
    return !inFlight.isEmpty() && inFlight.peekFirst().isDone();
  }

  void submit(Callable<T> job) {
    if (isFull()) throw new IllegalStateException("pipeline window is full: take the head first");
    boolean onCaller = pool == null || (callerRuns && submitted++ % parallelism == parallelism - 1);
    if (onCaller) {
      CompletableFuture<T> f = new CompletableFuture<>();
      try {
        f.complete(job.call());
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
      inFlight.addLast(f);
    } else {
      inFlight.addLast(pool.submit(job));
    }
  }

  /** Waits for the oldest job and returns its result, rethrowing its IOException as is. */
  T takeHead() throws IOException {
    Future<T> f = inFlight.pollFirst();
    if (f == null) throw new IllegalStateException("pipeline is empty");
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a chunk");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) throw io;
      if (c instanceof RuntimeException re) throw re;
      if (c instanceof Error err) throw err;
      throw new IOException(c);
    }
  }

  /** Cancels what is still queued and stops the workers. */
  @Override
  public void close() {
    for (Future<T> f : inFlight) f.cancel(false);
    inFlight.clear();
    if (pool != null) pool.shutdownNow();
  }
}
