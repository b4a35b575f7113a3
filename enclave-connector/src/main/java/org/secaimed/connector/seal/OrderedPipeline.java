package org.secaimed.connector.seal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs jobs on worker threads and hands results back in submission order. At most
 * {@code window} jobs are in flight: the caller must take the head before submitting more, which
 * is what gives the streams back-pressure and bounded memory.
 *
 * <p>The caller counts as one of the {@code parallelism} cores: there are parallelism - 1 workers,
 * and a caller waiting for the head runs queued jobs itself instead of sleeping. The caller also
 * has work of its own (copying plaintext in, or parsing what comes out), so a fixed share of the
 * jobs would leave either it or the workers idle; helping balances the two whatever the caller's
 * own load. With parallelism 1 the jobs run on the caller's thread and no thread is started.
 */
final class OrderedPipeline<T> implements AutoCloseable {
  private static final AtomicInteger POOL_NUMBER = new AtomicInteger();

  private final ThreadPoolExecutor pool;
  private final BlockingQueue<Runnable> queued;
  private final ArrayDeque<Future<T>> inFlight = new ArrayDeque<>();
  private final int window;

  OrderedPipeline(int parallelism, String name) {
    this.window = parallelism == 1 ? 1 : 2 * parallelism;
    if (parallelism == 1) {
      this.pool = null;
      this.queued = null;
      return;
    }
    String prefix = name + "-" + POOL_NUMBER.incrementAndGet() + "-";
    AtomicInteger n = new AtomicInteger();
    int workers = parallelism - 1;
    this.queued = new LinkedBlockingQueue<>();
    this.pool = new ThreadPoolExecutor(workers, workers, 10, TimeUnit.SECONDS, queued, r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    // Idle workers end on their own, so a stream its caller forgot to close leaks no threads.
    pool.allowCoreThreadTimeOut(true);
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
    if (pool != null) {
      inFlight.addLast(pool.submit(job));
      return;
    }
    CompletableFuture<T> f = new CompletableFuture<>();
    try {
      f.complete(job.call());
    } catch (Throwable e) {
      f.completeExceptionally(e);
    }
    inFlight.addLast(f);
  }

  /**
   * Returns the oldest job's result, rethrowing its IOException as is. While that job is not done
   * the caller runs jobs no worker has started yet (each is a FutureTask, so it runs exactly once,
   * on whichever thread took it from the queue).
   */
  T takeHead() throws IOException {
    Future<T> f = inFlight.pollFirst();
    if (f == null) throw new IllegalStateException("pipeline is empty");
    while (queued != null && !f.isDone()) {
      Runnable job = queued.poll();
      if (job == null) break;
      job.run();
    }
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
