package org.secaimed.connector.gateway;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gateway call started on a thread of its own while the caller makes another, so that their
 * round trips overlap (over a hospital's link to a remote enclave each one costs tens of
 * milliseconds). What it fetched is verified by the caller exactly as if it had fetched it itself.
 */
final class Prefetch<T> {
  /** One gateway call. */
  @FunctionalInterface
  interface Call<T> {
    T call() throws GatewayException;
  }

  private static final AtomicInteger THREADS = new AtomicInteger();
  /** Daemon threads, made on demand and gone after a minute idle. */
  private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "gateway-prefetch-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

  private final Future<T> future;

  private Prefetch(Future<T> future) {
    this.future = future;
  }

  static <T> Prefetch<T> start(Call<T> call) {
    return new Prefetch<>(POOL.submit(call::call));
  }

  /** The call's answer, or what it threw. */
  T get() throws GatewayException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new GatewayException("interrupted while waiting for the gateway");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof GatewayException g) throw g;
      if (c instanceof RuntimeException r) throw r;
      if (c instanceof Error err) throw err;
      throw new GatewayException("the gateway call failed: " + c.getMessage(), c);
    }
  }

  /** Abandons the call when its answer is no longer wanted (the caller failed first). */
  void cancel() {
    future.cancel(true);
  }
}
