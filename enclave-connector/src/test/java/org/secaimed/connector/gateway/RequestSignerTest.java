package org.secaimed.connector.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.secaimed.connector.party.NonceLedger;
import org.secaimed.connector.party.PartyKey;
import org.secaimed.connector.party.SignedRequests;

/** The client signs what the enclave will verify, anew on every retry, and leaves public calls alone. */
class RequestSignerTest {
  static final String ENCLAVE = "e".repeat(64);

  @Test
  void submitsAreSignedPerAttemptAndVerifyOnTheOtherSide() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.enqueue(new MockResponse.Builder().code(503).build());
      server.enqueue(new MockResponse.Builder().code(200).body("{\"taskId\":\"task-" + "0".repeat(32) + "\",\"state\":\"queued\"}")
          .addHeader("Content-Type", "application/json").build());
      server.enqueue(new MockResponse.Builder().code(200).body("[]").addHeader("Content-Type", "application/json").build());
      server.start();
      GatewayClient client = new GatewayClient(server.url("/gw/").toString(), new OkHttpClient.Builder()
          .addInterceptor(GatewayClient.retryInterceptor(new org.secaimed.connector.io.RetryPolicy(3, java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(2)))).build());
      PartyKey site = PartyKey.generate();
      client.signer().use(site, ENCLAVE);
      client.submit(new org.secaimed.connector.gateway.generated.model.TaskRequest().inputs(List.of("sha256:" + "1".repeat(64))), "idem-12345678");
      client.algorithms();

      var verifier = SignedRequests.verifier(ENCLAVE, NonceLedger.inMemory(), Clock.systemUTC());
      List<String> headers = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        RecordedRequest r = server.takeRequest();
        String path = r.getUrl().encodedPath().substring("/gw".length());
        headers.add(r.getHeaders().get(SignedRequests.HEADER));
        assertThat(verifier.verify(r.getMethod(), path, r.getBody() == null ? new byte[0] : r.getBody().toByteArray(),
            r.getHeaders().get(SignedRequests.HEADER)).id()).isEqualTo(site.id());
      }
      assertThat(headers.get(0)).isNotEqualTo(headers.get(1)); // the retry carries a fresh nonce
      assertThat(server.takeRequest().getHeaders().get(SignedRequests.HEADER)).isNull(); // the catalogue is public
    }
  }
}
