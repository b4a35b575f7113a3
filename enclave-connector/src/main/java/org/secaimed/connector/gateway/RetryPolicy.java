package org.secaimed.connector.gateway;

import java.time.Duration;

/**
 * How often and how patiently idempotent calls are retried: exponential backoff from
 * {@code initialBackoff} doubling up to {@code maxBackoff}, at most {@code maxAttempts} tries.
 * The defaults ride out a gateway restart of ~20 s.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
  public RetryPolicy {
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1");
  }

  public static RetryPolicy defaults() {
    return new RetryPolicy(15, Duration.ofMillis(100), Duration.ofSeconds(2));
  }

  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
  }

  /** The wait before retry number {@code attempt + 1} (0-based): doubling from {@code initialBackoff}, capped. */
  public Duration backoff(int attempt) {
    long ms = initialBackoff.toMillis() << Math.min(attempt, 20);
    return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
  }
}
