package org.secaimed.dicom.web;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/** Retries idempotent requests per {@link RetryPolicy}; everything else passes through once. */
final class RetryInterceptor implements Interceptor {
  private final RetryPolicy policy;
  private final Sleeper sleeper;

  interface Sleeper {
    void sleep(Duration d) throws InterruptedIOException;
  }

  RetryInterceptor(RetryPolicy policy) {
    this(policy, d -> {
      try {
        Thread.sleep(d.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while backing off");
      }
    });
  }

  RetryInterceptor(RetryPolicy policy, Sleeper sleeper) {
    this.policy = policy;
    this.sleeper = sleeper;
  }

  static boolean isIdempotent(Request request) {
    return request.method().equals("GET") || request.method().equals("HEAD");
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    if (!isIdempotent(request)) return chain.proceed(request);
    for (int attempt = 1; ; attempt++) {
      boolean last = attempt >= policy.maxAttempts();
      Response response;
      try {
        response = chain.proceed(request);
      } catch (IOException e) {
        if (last || chain.call().isCanceled()) throw e;
        sleeper.sleep(jitter(policy.backoffCeiling(attempt)));
        continue;
      }
      if (last || !RetryPolicy.RETRYABLE_STATUS.contains(response.code())) return response;
      Duration wait = retryAfter(response).orElse(jitter(policy.backoffCeiling(attempt)));
      response.close();
      sleeper.sleep(wait.compareTo(policy.maxBackoff()) > 0 ? policy.maxBackoff() : wait);
    }
  }

  private static Duration jitter(Duration ceiling) {
    long ms = ceiling.toMillis();
    return Duration.ofMillis(ms <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ms / 2, ms + 1));
  }

  private static java.util.Optional<Duration> retryAfter(Response r) {
    String v = r.header("Retry-After");
    if (v == null) return java.util.Optional.empty();
    try {
      return java.util.Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim()))));
    } catch (NumberFormatException e) {
      return java.util.Optional.empty(); // HTTP-date form: fall back to our own back-off
    }
  }
}
