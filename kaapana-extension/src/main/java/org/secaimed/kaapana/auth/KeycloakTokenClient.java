package org.secaimed.kaapana.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * OAuth2 password grant against a Keycloak realm (Kaapana: realm {@code kaapana}, client
 * {@code kaapana}). The token is cached and renewed {@code refreshMargin} before it expires: first
 * with the refresh token, and with a new password grant when that fails or has expired too.
 * Thread-safe.
 */
public final class KeycloakTokenClient implements TokenSource {
  /** Renew this long before expiry so that a token never expires in flight. */
  public static final Duration DEFAULT_REFRESH_MARGIN = Duration.ofSeconds(30);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final OkHttpClient http;
  private final KeycloakRealm realm;
  private final PasswordCredentials credentials;
  private final Clock clock;
  private final Duration refreshMargin;

  private AccessToken cached;
  private String refreshToken;
  private Instant refreshExpiresAt = Instant.MIN;
  private int grants;
  private KeycloakAuthException.Step lastGrant;

  public KeycloakTokenClient(OkHttpClient http, KeycloakRealm realm, PasswordCredentials credentials,
      Clock clock, Duration refreshMargin) {
    this.http = Objects.requireNonNull(http, "http");
    this.realm = Objects.requireNonNull(realm, "realm");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.refreshMargin = Objects.requireNonNull(refreshMargin, "refreshMargin");
  }

  public KeycloakTokenClient(OkHttpClient http, KeycloakRealm realm, PasswordCredentials credentials) {
    this(http, realm, credentials, Clock.systemUTC(), DEFAULT_REFRESH_MARGIN);
  }

  @Override
  public synchronized AccessToken accessToken() throws KeycloakAuthException {
    Instant renewAt = clock.instant().plus(refreshMargin);
    if (cached != null && cached.expiresAt().isAfter(renewAt)) return cached;
    if (refreshToken != null && refreshExpiresAt.isAfter(renewAt)) {
      try {
        return store(KeycloakAuthException.Step.REFRESH_GRANT, grant(KeycloakAuthException.Step.REFRESH_GRANT, refreshForm()));
      } catch (KeycloakAuthException e) {
        // A revoked or expired session: fall through to a fresh password grant.
        if (e.httpStatus() != 400 && e.httpStatus() != 401) throw e;
      }
    }
    return store(KeycloakAuthException.Step.PASSWORD_GRANT, grant(KeycloakAuthException.Step.PASSWORD_GRANT, passwordForm()));
  }

  /** How many token requests went to Keycloak (cache hits do not count). */
  public synchronized int grantsIssued() {
    return grants;
  }

  /** The kind of the last token request sent, or null before the first. */
  public synchronized KeycloakAuthException.Step lastGrant() {
    return lastGrant;
  }

  private AccessToken store(KeycloakAuthException.Step step, JsonNode body) throws KeycloakAuthException {
    Instant now = clock.instant();
    String token = body.path("access_token").asText(null);
    long expiresIn = body.path("expires_in").asLong(-1);
    if (token == null || token.isBlank() || expiresIn <= 0) {
      throw new KeycloakAuthException(step, 200, null,
          "token response lacks access_token or expires_in", null);
    }
    cached = new AccessToken(token, now.plusSeconds(expiresIn));
    refreshToken = body.path("refresh_token").asText(null);
    long refreshIn = body.path("refresh_expires_in").asLong(0);
    // Keycloak uses refresh_expires_in=0 for offline tokens that do not expire on a timer.
    refreshExpiresAt = refreshToken == null ? Instant.MIN
        : refreshIn > 0 ? now.plusSeconds(refreshIn) : Instant.MAX;
    return cached;
  }

  private FormBody passwordForm() {
    FormBody.Builder f = new FormBody.Builder()
        .add("grant_type", "password")
        .add("client_id", credentials.clientId())
        .add("username", credentials.username())
        .add("password", credentials.password())
        .add("scope", "openid");
    if (credentials.clientSecret() != null) f.add("client_secret", credentials.clientSecret());
    return f.build();
  }

  private FormBody refreshForm() {
    FormBody.Builder f = new FormBody.Builder()
        .add("grant_type", "refresh_token")
        .add("client_id", credentials.clientId())
        .add("refresh_token", refreshToken);
    if (credentials.clientSecret() != null) f.add("client_secret", credentials.clientSecret());
    return f.build();
  }

  private JsonNode grant(KeycloakAuthException.Step step, FormBody form) throws KeycloakAuthException {
    grants++;
    lastGrant = step;
    Request request = new Request.Builder().url(realm.tokenEndpoint()).post(form)
        .header("Accept", "application/json").build();
    try (Response response = http.newCall(request).execute()) {
      ResponseBody rb = response.body();
      String text = rb == null ? "" : rb.string();
      JsonNode body;
      try {
        body = text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
      } catch (IOException notJson) {
        throw new KeycloakAuthException(step, response.code(), null,
            "token endpoint " + realm.tokenEndpoint() + " did not answer JSON", notJson);
      }
      if (!response.isSuccessful()) {
        throw new KeycloakAuthException(step, response.code(), body.path("error").asText(null),
            body.path("error_description").asText("no description") + " (" + realm + ")", null);
      }
      return body;
    } catch (KeycloakAuthException e) {
      throw e;
    } catch (IOException e) {
      throw new KeycloakAuthException(step, 0, null, "cannot reach " + realm.tokenEndpoint() + ": " + e.getMessage(), e);
    }
  }
}
