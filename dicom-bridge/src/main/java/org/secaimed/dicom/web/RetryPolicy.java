package org.secaimed.dicom.web;

import java.time.Duration;
import java.util.Set;

/**
 * How idempotent requests (GET, HEAD) are retried: on I/O failures before a response and on
 * 408/429/502/503/504, with exponential back-off and full jitter, honouring Retry-After up to
 * {@code maxBackoff}. STOW-RS (POST) is never retried: a lost response may hide a completed store.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
  static final Set<Integer> RETRYABLE_STATUS = Set.of(408, 429, 502, 503, 504);

  public RetryPolicy {
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0)
      throw new IllegalArgumentException("backoff must satisfy 0 <= initial <= max");
  }

  public static RetryPolicy defaults() {
    return new RetryPolicy(4, Duration.ofMillis(250), Duration.ofSeconds(8));
  }

  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
  }

  /** Upper bound of the wait before attempt {@code attempt+1} (attempt counts from 1). */
  Duration backoffCeiling(int attempt) {
    long base = initialBackoff.toMillis();
    long ceiling = attempt >= 31 ? Long.MAX_VALUE : base << (attempt - 1);
    return Duration.ofMillis(Math.min(maxBackoff.toMillis(), ceiling < 0 ? Long.MAX_VALUE : ceiling));
  }
}
