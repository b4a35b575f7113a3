package org.secaimed.enclave.server.algorithms;

import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

/**
 * How a running task learns it was cancelled: its thread was interrupted, or the host's cancel flag
 * (registered for the duration of the task with {@link #runWith}) is set. Long steps call
 * {@link #check()} between phases.
 */
public final class Cancellation {
  private static final ThreadLocal<BooleanSupplier> FLAG = new ThreadLocal<>();

  private Cancellation() {}

  public static void check() throws AlgorithmException {
    BooleanSupplier flag = FLAG.get();
    if (Thread.currentThread().isInterrupted() || (flag != null && flag.getAsBoolean())) {
      throw new AlgorithmException(AlgorithmException.Reason.CANCELLED, null, "task cancelled");
    }
  }

  /** Runs {@code body} on this thread with {@code cancelled} consulted by every {@link #check()}. */
  public static <T> T runWith(BooleanSupplier cancelled, Callable<T> body) throws Exception {
    BooleanSupplier previous = FLAG.get();
    FLAG.set(cancelled);
    try {
      return body.call();
    } finally {
      if (previous == null) FLAG.remove();
      else FLAG.set(previous);
    }
  }
}
