package org.secaimed.tests.enclave;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.enclave.server.http.GatewayRoutes;

/**
 * Issue 12 item 9: the dev enclave's errors are problem+json, and JSON bodies are bounded. Issue
 * 17: the API contract (gateway-v1.yaml, from which the site's client is generated) lists exactly
 * the routes the enclave server answers.
 */
class DevEnclaveHttpContractTest {
  @TempDir static Path dir;
  static EnclaveFixture fixture;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    fixture = new EnclaveFixture(dir);
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  static HttpResponse<String> send(HttpRequest.Builder b, String path) throws Exception {
    return HTTP.send(b.uri(URI.create(fixture.enclave.baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anUnknownRouteIsProblemJson() throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder().GET(), "/v1/attestation");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("status").asInt()).isEqualTo(404);
  }

  @Test
  void aJsonBodyLargerThanTheLimitIsRefusedBeforeItIsParsed() throws Exception {
    String big = "{\"nonce\":\"" + "A".repeat(GatewayRoutes.MAX_JSON_BYTES) + "\"}";
    for (String path : new String[] {"/v1/attestation", "/v1/tasks", "/v1/blobs"}) {
      HttpResponse<String> r = send(HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString(big))
          .header("Content-Type", "application/json"), path);
      assertThat(r.statusCode()).as(path).isEqualTo(413);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).as(path).startsWith("application/problem+json");
    }
    HttpResponse<String> small = send(HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString("{\"nonce\":\"AA==\"}"))
        .header("Content-Type", "application/json"), "/v1/attestation");
    assertThat(small.statusCode()).as("a small body is still parsed and judged").isEqualTo(400);
  }

  @Test
  void theGatewaySpecListsExactlyTheRoutesTheServerAnswers() throws Exception {
    Path spec = Path.of(System.getProperty("secaimed.repo.root"), "enclave-connector", "src", "main", "openapi", "gateway-v1.yaml");
    var paths = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
        .readTree(spec.toFile()).path("paths");
    java.util.Set<String> documented = new java.util.TreeSet<>();
    paths.fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(method -> {
      if (!method.equals("parameters")) documented.add(withoutParameterNames(method.toUpperCase(java.util.Locale.ROOT) + " " + p.getKey()));
    }));
    // Parameter names are the server's own business ({digest} vs {licenceDigest}); the routes are not.
    assertThat(fixture.enclave.server().routes().stream().map(DevEnclaveHttpContractTest::withoutParameterNames).toList())
        .as("routes served vs. gateway-v1.yaml paths").containsExactlyInAnyOrderElementsOf(documented);
  }

  private static String withoutParameterNames(String route) {
    return route.replaceAll("\\{[^}]*}", "{}");
  }
}
