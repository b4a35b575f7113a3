package org.secaimed.devtools.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * A link's capacity in one direction, shared by every connection over it: each transfer reserves
 * its serialisation time (bytes / rate) after the transfers before it, with a small burst
 * allowance (GCRA, the virtual-scheduling form of a token bucket). Bench only.
 */
final class TokenBucket {
  private final double nanosPerByte;
  private final long burstNanos;
  /** When the link will have sent everything reserved so far. */
  private long busyUntil = System.nanoTime();

  /** @param bitsPerSecond the link's rate; @param burstBytes what may go at once after an idle spell */
  TokenBucket(double bitsPerSecond, int burstBytes) {
    if (!(bitsPerSecond > 0)) throw new IllegalArgumentException("rate must be > 0");
    this.nanosPerByte = 8e9 / bitsPerSecond;
    this.burstNanos = (long) (burstBytes * nanosPerByte);
  }

  /** Blocks until {@code bytes} may be sent. */
  void take(int bytes) throws InterruptedException {
    long wakeAt;
    synchronized (this) {
      long now = System.nanoTime();
      if (busyUntil < now) busyUntil = now;
      busyUntil += (long) (bytes * nanosPerByte);
      wakeAt = busyUntil - burstNanos;
    }
    for (long left; (left = wakeAt - System.nanoTime()) > 0; ) {
      LockSupport.parkNanos(left);
      if (Thread.interrupted()) throw new InterruptedException();
    }
  }
}
