package org.secaimed.connector.gateway;

import java.io.IOException;
import java.io.InterruptedIOException;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Retries a request only when repeating it cannot do harm: GET, PUT and DELETE, POSTs that
 * carry an {@code Idempotency-Key}, upload completion (idempotent by design) and attestation
 * (answered afresh per nonce). Retries on connection failures, timeouts, 429, 500, 502, 503, 504: every call it retries is
 * idempotent, and a 500 is what a proxy in front of a restarting gateway answers (seen with WireMock).
 */
final class RetryInterceptor implements Interceptor {
  private final RetryPolicy policy;

  RetryInterceptor(RetryPolicy policy) {
    this.policy = policy;
  }

  static boolean idempotent(Request r) {
    String m = r.method();
    if (m.equals("GET") || m.equals("PUT") || m.equals("DELETE") || m.equals("HEAD")) return true;
    if (!m.equals("POST")) return false;
    String path = r.url().encodedPath();
    return r.header("Idempotency-Key") != null || path.endsWith("/complete") || path.endsWith("/v1/attestation");
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    int attempts = idempotent(request) ? policy.maxAttempts() : 1;
    IOException last = null;
    for (int attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) sleep(policy.backoff(attempt - 1).toMillis());
      try {
        Response response = chain.proceed(request);
        int c = response.code();
        boolean retryable = c == 429 || c == 500 || c == 502 || c == 503 || c == 504;
        if (!retryable || attempt == attempts - 1) return response;
        response.close();
      } catch (IOException e) {
        if (e instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) throw e;
        last = e;
      }
    }
    throw last != null ? last : new IOException("gave up after " + attempts + " attempts");
  }

  private static void sleep(long ms) throws IOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while backing off");
    }
  }
}
