package org.secaimed.kaapana.auth;

import java.util.Map;

/**
 * What a password grant needs. In a Kaapana processing container these come from the
 * {@code project-user-credentials} and {@code oidc-client-secret} Secrets as environment
 * variables. {@link #toString()} shows only the client id and user name.
 */
public record PasswordCredentials(String clientId, String clientSecret, String username, String password) {

  public static final String ENV_USER = "KAAPANA_PROJECT_USER_NAME";
  public static final String ENV_PASSWORD = "KAAPANA_PROJECT_USER_PASSWORD";
  public static final String ENV_CLIENT_SECRET = "KAAPANA_CLIENT_SECRET";
  /** Kaapana's OIDC client. */
  public static final String KAAPANA_CLIENT = "kaapana";

  public PasswordCredentials {
    require(clientId, "client id");
    require(username, "user name");
    require(password, "password");
    // A public client has no secret; Kaapana's confidential client has one.
    if (clientSecret != null && clientSecret.isEmpty()) clientSecret = null;
  }

  /** Reads Kaapana's variables; names the first one missing. */
  public static PasswordCredentials fromKaapanaEnvironment(Map<String, String> env) {
    return new PasswordCredentials(KAAPANA_CLIENT, env.get(ENV_CLIENT_SECRET),
        need(env, ENV_USER), need(env, ENV_PASSWORD));
  }

  private static String need(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isBlank()) throw new IllegalArgumentException("environment variable " + name + " is not set");
    return v;
  }

  private static void require(String v, String what) {
    if (v == null || v.isBlank()) throw new IllegalArgumentException(what + " is empty");
  }

  @Override
  public String toString() {
    return "PasswordCredentials[clientId=" + clientId + ", username=" + username + ", password=redacted"
        + (clientSecret != null ? ", clientSecret=redacted" : "") + "]";
  }
}
