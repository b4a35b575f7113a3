package org.secaimed.tests.servers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Keycloak (the Quarkus distribution from Maven Central, unpacked by the tests module's
 * build) on 127.0.0.1 with free ports, serving under {@code /auth} like Kaapana's, with an
 * in-memory database and a {@code kaapana} realm: confidential client {@code kaapana} with
 * direct-access grants, user {@link #USERNAME} whose tokens carry {@code aud=kaapana} and a
 * {@code projects} claim.
 *
 * <p>Starting takes ~35 s on two cores, so tests share one instance: {@link #shared()} starts it
 * on first use and stops it (by its process id) when the test JVM exits.
 */
public final class KeycloakServer implements AutoCloseable {
  public static final String REALM = "kaapana";
  public static final String CLIENT_ID = "kaapana";
  public static final String CLIENT_SECRET = "test-client-secret-not-for-production";
  public static final String USERNAME = "system";
  public static final String PASSWORD = "test-password-not-for-production";
  private static final String ADMIN = "admin";
  private static final String ADMIN_PASSWORD = "admin-test-only";
  private static final Duration STARTUP = Duration.ofSeconds(420); // first start augments Quarkus: ~35 s idle, minutes on a loaded 2-core machine
  private static final ObjectMapper JSON = new ObjectMapper();

  private static KeycloakServer shared;

  private final Process process;
  private final int httpPort;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private KeycloakServer(Process process, int httpPort, Path log) {
    this.process = process;
    this.httpPort = httpPort;
    this.log = log;
  }

  /** The suite-wide instance, started on first call. */
  public static synchronized KeycloakServer shared() throws IOException, InterruptedException {
    if (shared == null) {
      Path dir = Files.createTempDirectory("secaimed-keycloak");
      shared = start(dir);
      KeycloakServer s = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        s.close();
        deleteTree(dir);
      }, "stop-keycloak"));
    }
    return shared;
  }

  /** Starts a private instance (prefer {@link #shared()}); {@code workDir} receives its log. */
  public static KeycloakServer start(Path workDir) throws IOException, InterruptedException {
    Path home = Path.of(System.getProperty("secaimed.keycloak.home", "target/keycloak-dist/keycloak-26.7.3"));
    Path kcSh = home.resolve("bin/kc.sh");
    if (!Files.isRegularFile(kcSh)) {
      throw new IllegalStateException("Keycloak distribution not unpacked at " + home + " (run the tests module's build)");
    }
    kcSh.toFile().setExecutable(true);
    int httpPort = freePort();
    int mgmtPort = freePort();
    Path log = workDir.resolve("keycloak.log");
    ProcessBuilder pb = new ProcessBuilder(kcSh.toString(), "start-dev",
        "--http-host=127.0.0.1", "--http-port=" + httpPort, "--http-management-port=" + mgmtPort,
        "--http-relative-path=/auth", "--db=dev-mem", "--cache=local", "--health-enabled=true")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN);
    pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
    pb.environment().put("JAVA_OPTS_KC_HEAP", "-XX:MaxRAMPercentage=10 -Xms64m");
    // kc.sh stays as the parent of Keycloak's JVM; close() stops both by their process ids.
    KeycloakServer server = new KeycloakServer(pb.start(), httpPort, log);
    try {
      server.awaitReady();
      server.importRealm(realmJson());
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** Server root for Kaapana's {@code KEYCLOAK_URL} (Keycloak itself is below {@code /auth}). */
  public String keycloakUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  public String tokenEndpoint() {
    return keycloakUrl() + "/auth/realms/" + REALM + "/protocol/openid-connect/token";
  }

  /** The process id of the kc.sh launcher (Keycloak's JVM is its child). */
  public long pid() {
    return process.pid();
  }

  /** Creates a realm from a JSON representation through the admin REST API. */
  public void importRealm(String realmRepresentation) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(keycloakUrl() + "/auth/admin/realms"))
        .header("Authorization", "Bearer " + adminToken()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(realmRepresentation)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201 && r.statusCode() != 409) {
      throw new IOException("realm import → HTTP " + r.statusCode() + ": " + r.body());
    }
  }

  /** Ends every user session of the test user, so that refresh tokens stop working. */
  public void logoutUser() throws IOException, InterruptedException {
    String token = adminToken();
    HttpResponse<String> users = http.send(HttpRequest.newBuilder(URI.create(
            keycloakUrl() + "/auth/admin/realms/" + REALM + "/users?exact=true&username=" + USERNAME))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    String id = JSON.readTree(users.body()).get(0).path("id").asText();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(
            keycloakUrl() + "/auth/admin/realms/" + REALM + "/users/" + id + "/logout"))
        .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) throw new IOException("logout → HTTP " + r.statusCode());
  }

  private String adminToken() throws IOException, InterruptedException {
    String form = "grant_type=password&client_id=admin-cli&username=" + ADMIN + "&password=" + ADMIN_PASSWORD;
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(keycloakUrl() + "/auth/realms/master/protocol/openid-connect/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IOException("admin token → HTTP " + r.statusCode());
    return JSON.readTree(r.body()).path("access_token").asText();
  }

  private void awaitReady() throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(STARTUP);
    URI wellKnown = URI.create(keycloakUrl() + "/auth/realms/master/.well-known/openid-configuration");
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) throw new IOException("Keycloak exited with " + process.exitValue() + "; log:\n" + tail());
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(wellKnown).timeout(Duration.ofSeconds(5)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) return;
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new IOException("Keycloak not ready after " + STARTUP + "; log:\n" + tail());
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static String realmJson() throws IOException {
    try (InputStream in = KeycloakServer.class.getResourceAsStream("kaapana-realm.json")) {
      if (in == null) throw new IOException("kaapana-realm.json missing from the test class path");
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return text.replace("${CLIENT_SECRET}", CLIENT_SECRET).replace("${USERNAME}", USERNAME).replace("${PASSWORD}", PASSWORD);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Stops Keycloak's JVM and its kc.sh parent by process id (SIGTERM, then SIGKILL after 20 s). */
  @Override
  public void close() {
    List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
    children.forEach(ProcessHandle::destroy);
    process.destroy();
    for (ProcessHandle h : children) {
      try {
        h.onExit().get(20, TimeUnit.SECONDS);
      } catch (Exception notYet) {
        h.destroyForcibly();
      }
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: only a log file
    }
  }

  /** Decodes a JWT's payload (no verification: tests read claims only). */
  public static JsonNode claims(String jwt) throws IOException {
    String[] parts = jwt.split("\\.");
    return JSON.readTree(java.util.Base64.getUrlDecoder().decode(parts[1]));
  }
}
