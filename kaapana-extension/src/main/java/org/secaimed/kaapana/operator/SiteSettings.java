package org.secaimed.kaapana.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import org.secaimed.connector.seal.KemKeys;

/**
 * Reads {@link SiteConfig} from the two variables the DAG's secret refs fill
 * ({@code dags/files/secaimed/site_settings.py}). {@code site-config.json} is
 * <pre>{"default_algorithm": "...", "profiles": {"default": {"gateway_url": "https://...", "policy": "&lt;YAML&gt;"}}}</pre>
 */
final class SiteSettings {
  static final String CONFIG_ENV = "SECAIMED_SITE_CONFIG";
  static final String KEY_ENV = "SECAIMED_SITE_KEY";
  private static final Pattern PROFILE = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private SiteSettings() {}

  static SiteConfig load(Map<String, String> env, String profile) throws KaapanaEnvironmentException {
    if (!PROFILE.matcher(profile).matches()) {
      throw new KaapanaEnvironmentException("conf.json#/workflow_form/gateway_profile", "'" + profile + "' is not a profile name ([a-z0-9-], at most 32)");
    }
    String text = env.get(CONFIG_ENV);
    if (text == null || text.isBlank()) {
      throw new KaapanaEnvironmentException(CONFIG_ENV, "not set: the secaimed-config Secret (key site-config.json) is missing in the project namespace");
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException e) {
      throw new KaapanaEnvironmentException(CONFIG_ENV, "not valid JSON", e);
    }
    JsonNode p = root.path("profiles").path(profile);
    if (!p.isObject()) throw new KaapanaEnvironmentException(CONFIG_ENV + "#/profiles/" + profile, "gateway profile '" + profile + "' is not configured");
    HttpUrl url = HttpUrl.parse(p.path("gateway_url").asText(""));
    if (url == null) throw new KaapanaEnvironmentException(CONFIG_ENV + "#/profiles/" + profile + "/gateway_url", "not an http(s) URL");
    String policy = p.path("policy").asText("");
    if (policy.isBlank()) throw new KaapanaEnvironmentException(CONFIG_ENV + "#/profiles/" + profile + "/policy", "policy missing");
    String key = env.get(KEY_ENV);
    if (key == null || key.isBlank()) {
      throw new KaapanaEnvironmentException(KEY_ENV, "not set: the secaimed-site-keys Secret (key site-key.json) is missing in the project namespace");
    }
    try {
      KemKeys.parsePrivateKey(key, KEY_ENV);
    } catch (IOException e) {
      throw new KaapanaEnvironmentException(KEY_ENV, "not a site private key: " + e.getMessage(), e);
    }
    String algorithm = root.path("default_algorithm").asText("");
    return new SiteConfig(profile, url.toString(), policy, key, algorithm.isBlank() ? Optional.empty() : Optional.of(algorithm));
  }
}
