package org.secaimed.kaapana.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import org.secaimed.connector.attest.PolicyException;
import org.secaimed.connector.attest.validate.Policy;
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

  /**
   * The chosen profile's settings and the site key, each parsed; every problem is reported. A null
   * profile (conf.json unreadable, so the choice is unknown) checks every profile and returns null.
   */
  static SiteConfig load(Map<String, String> env, String profile) throws KaapanaEnvironmentException {
    Problems problems = new Problems();
    SiteConfig site = problems.attempt(() -> config(env, profile));
    String key = problems.attempt(() -> siteKey(env));
    problems.throwIfAny();
    return site == null ? null : new SiteConfig(site.gatewayProfile(), site.gatewayUrl(), site.policyYaml(), key, site.defaultAlgorithm());
  }

  private static SiteConfig config(Map<String, String> env, String profile) throws KaapanaEnvironmentException {
    if (profile != null && !PROFILE.matcher(profile).matches()) {
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
    String algorithm = root.path("default_algorithm").asText("");
    Optional<String> defaultAlgorithm = algorithm.isBlank() ? Optional.empty() : Optional.of(algorithm);
    if (profile == null) {
      Problems problems = new Problems();
      root.path("profiles").fieldNames().forEachRemaining(name -> problems.attempt(() -> profile(root, name, defaultAlgorithm)));
      problems.throwIfAny();
      return null;
    }
    return profile(root, profile, defaultAlgorithm);
  }

  private static SiteConfig profile(JsonNode root, String profile, Optional<String> defaultAlgorithm) throws KaapanaEnvironmentException {
    JsonNode p = root.path("profiles").path(profile);
    if (!p.isObject()) throw new KaapanaEnvironmentException(CONFIG_ENV + "#/profiles/" + profile, "gateway profile '" + profile + "' is not configured");
    Problems problems = new Problems();
    HttpUrl url = HttpUrl.parse(p.path("gateway_url").asText(""));
    if (url == null) problems.add(CONFIG_ENV + "#/profiles/" + profile + "/gateway_url", "not an http(s) URL");
    String policy = p.path("policy").asText("");
    if (policy.isBlank()) {
      problems.add(CONFIG_ENV + "#/profiles/" + profile + "/policy", "policy missing");
    } else {
      try {
        Policy.parse(policy);
      } catch (PolicyException e) {
        problems.add(CONFIG_ENV + "#/profiles/" + profile + "/policy", "not a valid policy: " + e.getMessage());
      }
    }
    problems.throwIfAny();
    return new SiteConfig(profile, url.toString(), policy, null, defaultAlgorithm);
  }

  private static String siteKey(Map<String, String> env) throws KaapanaEnvironmentException {
    String key = env.get(KEY_ENV);
    if (key == null || key.isBlank()) {
      throw new KaapanaEnvironmentException(KEY_ENV, "not set: the secaimed-site-keys Secret (key site-key.json) is missing in the project namespace");
    }
    try {
      KemKeys.parsePrivateKey(key, KEY_ENV);
    } catch (IOException e) {
      throw new KaapanaEnvironmentException(KEY_ENV, "not a site private key: " + e.getMessage(), e);
    }
    return key;
  }
}
