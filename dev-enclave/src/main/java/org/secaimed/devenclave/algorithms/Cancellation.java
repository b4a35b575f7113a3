package org.secaimed.devenclave.algorithms;

/** Tasks are cancelled by interrupting their thread; long loops call {@link #check()} between steps. */
public final class Cancellation {
  private Cancellation() {}

  public static void check() throws AlgorithmException {
    if (Thread.currentThread().isInterrupted()) throw new AlgorithmException(AlgorithmException.Reason.CANCELLED, null, "task cancelled");
  }
}
