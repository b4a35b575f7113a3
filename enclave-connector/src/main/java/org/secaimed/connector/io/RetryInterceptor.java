package org.secaimed.connector.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Retries, per a {@link RetryPolicy}, only the requests its client says may be repeated, on I/O
 * failures before an answer and on the given status codes. A {@code Retry-After} in seconds is
 * honoured up to the policy's {@code maxBackoff}. Everything else passes through once. The one
 * retry loop of the product (gateway and DICOMweb clients).
 */
public final class RetryInterceptor implements Interceptor {
  /** Waits between tries; tests replace it to count waits instead of sleeping. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedIOException;
  }

  private final RetryPolicy policy;
  private final Predicate<Request> repeatable;
  private final Set<Integer> retryStatuses;
  private final boolean jitter;
  private final Sleeper sleeper;

  private RetryInterceptor(Builder b) {
    this.policy = b.policy;
    this.repeatable = b.repeatable;
    this.retryStatuses = Set.copyOf(b.retryStatuses);
    this.jitter = b.jitter;
    this.sleeper = b.sleeper;
  }

  /** Starts a retry interceptor for {@code policy}; name the repeatable requests and the statuses to retry on. */
  public static Builder builder(RetryPolicy policy) {
    return new Builder(policy);
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    int attempts = repeatable.test(request) ? policy.maxAttempts() : 1;
    for (int attempt = 1; ; attempt++) {
      boolean last = attempt >= attempts;
      Response response;
      try {
        response = chain.proceed(request);
      } catch (IOException e) {
        boolean interrupted = e instanceof InterruptedIOException && Thread.currentThread().isInterrupted();
        if (last || interrupted || chain.call().isCanceled()) throw e;
        sleeper.sleep(backoff(attempt));
        continue;
      }
      if (last || !retryStatuses.contains(response.code())) return response;
      Duration wait = retryAfter(response).orElse(backoff(attempt));
      response.close();
      sleeper.sleep(wait.compareTo(policy.maxBackoff()) > 0 ? policy.maxBackoff() : wait);
    }
  }

  /** The wait after try {@code attempt} (1-based); with jitter anywhere from half of it to all of it. */
  private Duration backoff(int attempt) {
    long ms = policy.backoff(attempt - 1).toMillis();
    if (!jitter || ms <= 0) return Duration.ofMillis(ms);
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ms / 2, ms + 1));
  }

  private static Optional<Duration> retryAfter(Response r) {
    String v = r.header("Retry-After");
    if (v == null) return Optional.empty();
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim()))));
    } catch (NumberFormatException e) {
      return Optional.empty(); // HTTP-date form: fall back to our own back-off
    }
  }

  private static void threadSleep(Duration d) throws InterruptedIOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while backing off");
    }
  }

  /** Validating builder: a retry interceptor must say which requests it may repeat and on which statuses. */
  public static final class Builder {
    private final RetryPolicy policy;
    private Predicate<Request> repeatable;
    private Set<Integer> retryStatuses;
    private boolean jitter;
    private Sleeper sleeper = RetryInterceptor::threadSleep;

    private Builder(RetryPolicy policy) {
      if (policy == null) throw new IllegalArgumentException("a retry policy is required");
      this.policy = policy;
    }

    /** Which requests may be sent again without harm (idempotent ones); all others are sent once. */
    public Builder repeatable(Predicate<Request> repeatable) {
      this.repeatable = repeatable;
      return this;
    }

    /** The answers worth another try (e.g. 429, 502, 503, 504). */
    public Builder retryOn(Integer... statuses) {
      for (Integer s : statuses) {
        if (s == null || s < 400 || s > 599) throw new IllegalArgumentException("only 4xx and 5xx answers can be retried: " + s);
      }
      this.retryStatuses = Set.of(statuses);
      return this;
    }

    /** Spread waits over half to all of the back-off, so many clients of one server do not retry in step. */
    public Builder jitter(boolean jitter) {
      this.jitter = jitter;
      return this;
    }

    public Builder sleeper(Sleeper sleeper) {
      if (sleeper == null) throw new IllegalArgumentException("sleeper is null");
      this.sleeper = sleeper;
      return this;
    }

    public RetryInterceptor build() {
      if (repeatable == null) throw new IllegalStateException("say which requests may be repeated (repeatable)");
      if (retryStatuses == null) throw new IllegalStateException("say which statuses to retry on (retryOn)");
      return new RetryInterceptor(this);
    }
  }
}
