package org.secaimed.tests.kaapana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.secaimed.kaapana.auth.AccessToken;
import org.secaimed.kaapana.auth.KeycloakAuthException;
import org.secaimed.kaapana.auth.KeycloakRealm;
import org.secaimed.kaapana.auth.KeycloakTokenClient;
import org.secaimed.kaapana.auth.PasswordCredentials;
import org.secaimed.tests.servers.KeycloakServer;

/** The operator's token flow against a real Keycloak laid out like Kaapana's (realm kaapana under /auth). */
class KeycloakTokenClientTest {
  private static KeycloakServer keycloak;
  private final OkHttpClient http = new OkHttpClient();

  @BeforeAll
  static void startKeycloak() throws Exception {
    keycloak = KeycloakServer.shared();
  }

  private static PasswordCredentials credentials(String secret, String password) {
    return new PasswordCredentials(KeycloakServer.CLIENT_ID, secret, KeycloakServer.USERNAME, password);
  }

  @Test
  void passwordGrantYieldsAKaapanaTokenAndCachesIt() throws Exception {
    KeycloakTokenClient client = new KeycloakTokenClient(http, KeycloakRealm.kaapana(keycloak.keycloakUrl()),
        credentials(KeycloakServer.CLIENT_SECRET, KeycloakServer.PASSWORD));

    AccessToken first = client.accessToken();
    AccessToken second = client.accessToken();

    JsonNode claims = KeycloakServer.claims(first.value());
    assertThat(claims.path("iss").asText()).endsWith("/auth/realms/kaapana");
    assertThat(claims.path("preferred_username").asText()).isEqualTo(KeycloakServer.USERNAME);
    assertThat(claims.path("aud").toString()).contains("kaapana");
    assertThat(claims.path("projects").toString()).contains("admin");
    assertThat(first.expiresAt()).isAfter(Instant.now().plusSeconds(200));
    assertThat(second).isSameAs(first);
    assertThat(client.grantsIssued()).isEqualTo(1);
    assertThat(first.toString()).doesNotContain(first.value());
  }

  @Test
  void renewsBeforeExpiryWithTheRefreshTokenAndFallsBackToPasswordWhenTheSessionIsGone() throws Exception {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
    Clock clock = new Clock() {
      @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return now.get(); }
    };
    KeycloakTokenClient client = new KeycloakTokenClient(http, KeycloakRealm.kaapana(keycloak.keycloakUrl()),
        credentials(KeycloakServer.CLIENT_SECRET, KeycloakServer.PASSWORD), clock, Duration.ofSeconds(30));

    AccessToken first = client.accessToken();
    // 300 s lifespan, 30 s margin: at +280 s the token is due for renewal.
    now.set(now.get().plusSeconds(280));
    AccessToken renewed = client.accessToken();
    assertThat(client.lastGrant()).isEqualTo(KeycloakAuthException.Step.REFRESH_GRANT);
    assertThat(renewed.value()).isNotEqualTo(first.value());
    assertThat(client.grantsIssued()).isEqualTo(2);

    keycloak.logoutUser();
    now.set(now.get().plusSeconds(280));
    AccessToken fresh = client.accessToken();
    assertThat(client.lastGrant()).isEqualTo(KeycloakAuthException.Step.PASSWORD_GRANT);
    assertThat(client.grantsIssued()).isEqualTo(4); // refused refresh + new password grant
    assertThat(KeycloakServer.claims(fresh.value()).path("preferred_username").asText()).isEqualTo(KeycloakServer.USERNAME);
  }

  @Test
  void wrongPasswordIsATypedErrorThatDoesNotLeakIt() {
    String wrong = "definitely-wrong-password";
    KeycloakTokenClient client = new KeycloakTokenClient(http, KeycloakRealm.kaapana(keycloak.keycloakUrl()),
        credentials(KeycloakServer.CLIENT_SECRET, wrong));
    assertThatThrownBy(client::accessToken)
        .isInstanceOfSatisfying(KeycloakAuthException.class, e -> {
          assertThat(e.step()).isEqualTo(KeycloakAuthException.Step.PASSWORD_GRANT);
          // Keycloak answers a bad user password with 400 invalid_grant (RFC 6749 §5.2).
          assertThat(e.httpStatus()).isEqualTo(400);
          assertThat(e.oauthError()).isEqualTo("invalid_grant");
        })
        .message().doesNotContain(wrong).doesNotContain(KeycloakServer.CLIENT_SECRET);
  }

  @Test
  void wrongClientSecretIsRefused() {
    KeycloakTokenClient client = new KeycloakTokenClient(http, KeycloakRealm.kaapana(keycloak.keycloakUrl()),
        credentials("not-the-secret", KeycloakServer.PASSWORD));
    assertThatThrownBy(client::accessToken)
        .isInstanceOfSatisfying(KeycloakAuthException.class, e -> {
          assertThat(e.httpStatus()).isEqualTo(401);
          assertThat(e.oauthError()).isEqualTo("unauthorized_client");
        });
  }

  @Test
  void unreachableKeycloakNamesTheEndpoint() {
    KeycloakTokenClient client = new KeycloakTokenClient(http, KeycloakRealm.kaapana("http://127.0.0.1:1"),
        credentials(KeycloakServer.CLIENT_SECRET, KeycloakServer.PASSWORD));
    assertThatThrownBy(client::accessToken)
        .isInstanceOfSatisfying(KeycloakAuthException.class, e -> assertThat(e.httpStatus()).isZero())
        .hasMessageContaining("127.0.0.1:1/auth/realms/kaapana/protocol/openid-connect/token");
  }
}
