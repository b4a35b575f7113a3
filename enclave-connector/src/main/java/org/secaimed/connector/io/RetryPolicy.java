package org.secaimed.connector.io;

import java.time.Duration;

/**
 * How often and how patiently a repeatable call is retried: at most {@code maxAttempts} tries,
 * waiting before retry {@code n} (0-based) {@code initialBackoff · 2^n}, capped at
 * {@code maxBackoff}. The one retry policy of the product: the gateway client, the DICOMweb client
 * and the collateral fetcher use it, each with its own defaults; which calls may be repeated and on
 * which answers is the {@link RetryInterceptor}'s business.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
  public RetryPolicy {
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
    if (initialBackoff == null || maxBackoff == null || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("backoff must satisfy 0 <= initial <= max");
    }
  }

  /** For the enclave gateway: 15 tries from 100 ms doubling to 2 s ride out a gateway restart of ~20 s. */
  public static RetryPolicy gatewayDefaults() {
    return new RetryPolicy(15, Duration.ofMillis(100), Duration.ofSeconds(2));
  }

  /** For a PACS: 4 tries from 250 ms doubling to 8 s, so a busy archive is not hammered. */
  public static RetryPolicy pacsDefaults() {
    return new RetryPolicy(4, Duration.ofMillis(250), Duration.ofSeconds(8));
  }

  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
  }

  /** The wait before retry number {@code retry} (0-based: the wait after the first failed try is {@code backoff(0)}). */
  public Duration backoff(int retry) {
    long base = initialBackoff.toMillis();
    long ceiling = retry >= 62 || base > (Long.MAX_VALUE >> retry) ? Long.MAX_VALUE : base << retry;
    return Duration.ofMillis(Math.min(maxBackoff.toMillis(), ceiling));
  }
}
