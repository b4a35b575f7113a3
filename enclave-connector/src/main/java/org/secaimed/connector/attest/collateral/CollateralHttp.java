package org.secaimed.connector.attest.collateral;

import org.secaimed.connector.FailureMessages;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.secaimed.connector.io.RetryPolicy;

/**
 * GETs collateral from AMD KDS / Intel PCS (java.net.http). AMD throttles hard: HTTP 429 (and
 * 503) are retried after the server's {@code Retry-After} (seconds or an HTTP date), never
 * sooner than the retry policy's back-off; a server asking for longer than {@code maxWait} gets
 * a {@link CollateralException.Reason#THROTTLED} at once, so the caller can serve its cached copy
 * instead of blocking an attestation. Other 5xx and connection failures back off and retry;
 * 4xx (404: no such VCEK/FMSPC) do not. Bodies are capped at {@link CollateralResponses#MAX_BYTES}.
 */
public final class CollateralHttp {
  /** How the fetcher waits between attempts; tests inject one that does not sleep. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  /** A successful answer. */
  public record Answer(byte[] body, Optional<String> header, Optional<String> cacheControl) {}

  private final HttpClient client;
  private final RetryPolicy retry;
  private final Duration maxWait;
  private final Sleeper sleeper;
  private final Clock clock;

  public CollateralHttp(RetryPolicy retry, Duration maxWait, Sleeper sleeper, Clock clock) {
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NORMAL).build();
    this.retry = retry;
    this.maxWait = maxWait;
    this.sleeper = sleeper;
    this.clock = clock;
  }

  /** Four tries, back-off 1 s doubling to 30 s, waiting at most 2 minutes for a throttled server. */
  public static CollateralHttp defaults() {
    return new CollateralHttp(new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(30)), Duration.ofMinutes(2),
        d -> Thread.sleep(d.toMillis()), Clock.systemUTC());
  }

  /** GETs {@code url}; {@code chainHeader} names the response header carrying the issuer chain (or null). */
  public Answer get(String key, URI url, String chainHeader) throws CollateralException {
    String last = "no attempt made";
    for (int attempt = 0; attempt < retry.maxAttempts(); attempt++) {
      Duration wait = retry.backoff(attempt);
      try {
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).GET()
            .header("Accept", "*/*").build(), HttpResponse.BodyHandlers.ofInputStream());
        int code = r.statusCode();
        if (code == 200) {
          byte[] body = read(key, r.body());
          return new Answer(body, chainHeader == null ? Optional.empty() : r.headers().firstValue(chainHeader),
              r.headers().firstValue("Cache-Control"));
        }
        r.body().close();
        if (code == 429 || code == 503) {
          Optional<Duration> after = retryAfter(r.headers().firstValue("Retry-After").orElse(null));
          if (after.isPresent() && after.get().compareTo(maxWait) > 0) {
            throw new CollateralException(CollateralException.Reason.THROTTLED, key,
                url.getHost() + " answered " + code + " and asks to retry after " + after.get().toSeconds() + " s (more than the "
                    + maxWait.toSeconds() + " s we wait)");
          }
          if (after.isPresent() && after.get().compareTo(wait) > 0) wait = after.get();
          last = "HTTP " + code + (after.isPresent() ? " (Retry-After " + after.get().toSeconds() + " s)" : "");
        } else if (code >= 500) {
          last = "HTTP " + code;
        } else if (code == 404) {
          throw new CollateralException(CollateralException.Reason.NOT_FOUND, key, url.getHost() + " has no such item (HTTP 404)");
        } else {
          throw new CollateralException(CollateralException.Reason.BAD_RESPONSE, key, url.getHost() + " answered HTTP " + code);
        }
      } catch (IOException e) {
        last = FailureMessages.of(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CollateralException(CollateralException.Reason.UNAVAILABLE, key, "interrupted while fetching");
      }
      if (attempt + 1 < retry.maxAttempts()) pause(key, wait);
    }
    throw new CollateralException(CollateralException.Reason.UNAVAILABLE, key,
        url.getHost() + " unavailable after " + retry.maxAttempts() + " attempts (last: " + last + ")");
  }

  private void pause(String key, Duration d) throws CollateralException {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CollateralException(CollateralException.Reason.UNAVAILABLE, key, "interrupted while backing off");
    }
  }

  private static byte[] read(String key, InputStream in) throws IOException, CollateralException {
    try (in) {
      byte[] b = in.readNBytes(CollateralResponses.MAX_BYTES + 1);
      if (b.length > CollateralResponses.MAX_BYTES) {
        throw new CollateralException(CollateralException.Reason.BAD_RESPONSE, key, "answer larger than " + CollateralResponses.MAX_BYTES + " bytes");
      }
      return b;
    }
  }

  /** {@code Retry-After}: delta-seconds or an HTTP date (RFC 9110 §10.2.3); empty when absent or unreadable. */
  Optional<Duration> retryAfter(String value) {
    if (value == null || value.isBlank()) return Optional.empty();
    String v = value.strip();
    try {
      long s = Long.parseLong(v);
      return s < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(s));
    } catch (NumberFormatException e) {
      try {
        Instant when = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(clock.instant(), when);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException e2) {
        return Optional.empty();
      }
    }
  }
}
