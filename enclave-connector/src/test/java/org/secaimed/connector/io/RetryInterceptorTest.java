package org.secaimed.connector.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one retry loop (issue 13): what it repeats, on what, and how long it waits, without sleeping. */
class RetryInterceptorTest {
  private MockWebServer server;
  private final List<Duration> waits = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private OkHttpClient client(RetryPolicy policy, boolean jitter) {
    RetryInterceptor retry = RetryInterceptor.builder(policy).repeatable(r -> r.method().equals("GET"))
        .retryOn(429, 503).jitter(jitter).sleeper(waits::add).build();
    return new OkHttpClient.Builder().retryOnConnectionFailure(false).addInterceptor(retry).build();
  }

  private static MockResponse status(int code) {
    return new MockResponse.Builder().code(code).build();
  }

  private int get(OkHttpClient c) throws IOException {
    try (Response r = c.newCall(new Request.Builder().url(server.url("/x")).build()).execute()) {
      return r.code();
    }
  }

  @Test
  void repeatableRequestsAreRetriedOnTheNamedStatusesWithDoublingCappedWaits() throws Exception {
    for (int i = 0; i < 4; i++) server.enqueue(status(503));
    server.enqueue(status(200));
    assertThat(get(client(new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(300)), false))).isEqualTo(200);
    assertThat(server.getRequestCount()).isEqualTo(5);
    assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(300), Duration.ofMillis(300));
  }

  @Test
  void theLastAnswerIsReturnedWhenTriesRunOutAndOtherStatusesAreNotRetried() throws Exception {
    for (int i = 0; i < 3; i++) server.enqueue(status(503));
    assertThat(get(client(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1)), false))).isEqualTo(503);
    assertThat(server.getRequestCount()).isEqualTo(3);
    server.enqueue(status(500));
    assertThat(get(client(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1)), false))).isEqualTo(500);
    assertThat(server.getRequestCount()).isEqualTo(4);
  }

  @Test
  void requestsThatAreNotRepeatableGoOnceEvenOnARetryableStatus() throws Exception {
    server.enqueue(status(503));
    Request post = new Request.Builder().url(server.url("/x")).post(RequestBody.create(new byte[1], MediaType.get("application/octet-stream"))).build();
    try (Response r = client(RetryPolicy.gatewayDefaults(), false).newCall(post).execute()) {
      assertThat(r.code()).isEqualTo(503);
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void retryAfterIsHonouredUpToTheCapAndJitterStaysWithinHalfToAll() throws Exception {
    server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "1").build());
    server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "3600").build());
    server.enqueue(status(503));
    server.enqueue(status(200));
    assertThat(get(client(new RetryPolicy(4, Duration.ofMillis(400), Duration.ofSeconds(2)), true))).isEqualTo(200);
    assertThat(waits).hasSize(3);
    assertThat(waits.get(0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(waits.get(1)).isEqualTo(Duration.ofSeconds(2)); // capped at maxBackoff
    assertThat(waits.get(2)).isBetween(Duration.ofMillis(800), Duration.ofMillis(1600)); // third try: 1600 ms, jittered
  }

  @Test
  void connectionFailuresAreRetriedAndTheLastOneIsThrown() throws Exception {
    okhttp3.HttpUrl closed = server.url("/x");
    server.close(); // nothing listens there any more: every try is refused
    OkHttpClient c = client(new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(5)), false);
    assertThatThrownBy(() -> c.newCall(new Request.Builder().url(closed).build()).execute()).isInstanceOf(IOException.class);
    assertThat(waits).containsExactly(Duration.ofMillis(5), Duration.ofMillis(5));
  }

  @Test
  void policiesAndBuildersRefuseNonsense() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(2, Duration.ofSeconds(2), Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryInterceptor.builder(RetryPolicy.none()).retryOn(503).build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> RetryInterceptor.builder(RetryPolicy.none()).retryOn(200)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new RetryPolicy(100, Duration.ofMillis(3), Duration.ofDays(1)).backoff(80)).isEqualTo(Duration.ofDays(1));
  }
}
