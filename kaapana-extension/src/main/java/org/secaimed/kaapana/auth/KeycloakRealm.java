package org.secaimed.kaapana.auth;

import java.util.Objects;
import okhttp3.HttpUrl;

/** A Keycloak realm addressed by its server base URL (including any relative path such as /auth). */
public final class KeycloakRealm {
  /** Kaapana's realm name. */
  public static final String KAAPANA = "kaapana";

  private final HttpUrl serverUrl;
  private final String realm;

  public KeycloakRealm(HttpUrl serverUrl, String realm) {
    this.serverUrl = Objects.requireNonNull(serverUrl, "serverUrl");
    if (realm == null || !realm.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("invalid realm name: " + realm);
    }
    this.realm = realm;
  }

  /**
   * Kaapana's layout: Keycloak serves under {@code /auth} of {@code KEYCLOAK_URL}
   * (e.g. {@code http://keycloak-external-service.admin.svc:80}) and the realm is {@code kaapana}.
   */
  public static KeycloakRealm kaapana(String keycloakUrl) {
    HttpUrl base = HttpUrl.parse(keycloakUrl);
    if (base == null) throw new IllegalArgumentException("KEYCLOAK_URL is not an http(s) URL: " + keycloakUrl);
    return new KeycloakRealm(base.newBuilder().addPathSegment("auth").build(), KAAPANA);
  }

  public HttpUrl tokenEndpoint() {
    return serverUrl.newBuilder()
        .addPathSegment("realms").addPathSegment(realm)
        .addPathSegments("protocol/openid-connect/token").build();
  }

  public String realm() {
    return realm;
  }

  @Override
  public String toString() {
    return serverUrl + " realm " + realm;
  }
}
