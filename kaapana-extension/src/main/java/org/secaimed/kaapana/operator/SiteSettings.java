package org.secaimed.kaapana.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import org.secaimed.connector.attest.PolicyException;
import org.secaimed.connector.attest.collateral.CollateralSettings;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.seal.KemKeys;

/**
 * Reads {@link SiteConfig} from the two variables the DAG's secret refs fill
 * ({@code dags/files/secaimed/site_settings.py}). {@code site-config.json} is
 * <pre>{"default_algorithm": "...", "profiles": {"default": {"gateway_url": "https://...", "policy": "&lt;YAML&gt;"}},
 *  "collateral": {"offline": false, "kds_url": "https://...", "pcs_url": "https://...", "intel_root_crl_url": "https://..."}}</pre>
 * ({@code collateral} and each of its fields optional; the chart's {@code secaimed.collateral}).
 */
final class SiteSettings {
  static final String CONFIG_ENV = "SECAIMED_SITE_CONFIG";
  static final String KEY_ENV = "SECAIMED_SITE_KEY";
  private static final Pattern PROFILE = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** site-config.json's collateral fields and the variable each stands for. */
  static final Map<String, String> COLLATERAL_FIELDS = Map.of(
      "offline", CollateralSettings.OFFLINE, "kds_url", CollateralSettings.KDS_URL,
      "pcs_url", CollateralSettings.PCS_URL, "intel_root_crl_url", CollateralSettings.INTEL_ROOT_CRL_URL);

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
    return site == null ? null
        : new SiteConfig(site.gatewayProfile(), site.gatewayUrl(), site.policyYaml(), key, site.defaultAlgorithm(), site.collateral());
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
    Problems problems = new Problems();
    Map<String, String> collateral = problems.attempt(() -> collateral(root.path("collateral")));
    if (profile == null) {
      root.path("profiles").fieldNames().forEachRemaining(name -> problems.attempt(() -> profile(root, name, defaultAlgorithm)));
      problems.throwIfAny();
      return null;
    }
    SiteConfig site = problems.attempt(() -> profile(root, profile, defaultAlgorithm));
    problems.throwIfAny();
    return new SiteConfig(site.gatewayProfile(), site.gatewayUrl(), site.policyYaml(), null, defaultAlgorithm, collateral);
  }

  /**
   * The collateral section as variable → value; types are checked here, values by the one reader
   * ({@link CollateralSettings}), which names the variable — {@link KaapanaEnvironment} maps that
   * name back to this field.
   */
  private static Map<String, String> collateral(JsonNode section) throws KaapanaEnvironmentException {
    if (section.isMissingNode() || section.isNull()) return Map.of();
    String where = CONFIG_ENV + "#/collateral";
    if (!section.isObject()) throw new KaapanaEnvironmentException(where, "not an object");
    Map<String, String> settings = new java.util.LinkedHashMap<>();
    Problems problems = new Problems();
    section.fields().forEachRemaining(field -> {
      String variable = COLLATERAL_FIELDS.get(field.getKey());
      JsonNode v = field.getValue();
      if (variable == null) {
        problems.add(where + "/" + field.getKey(), "unknown setting (known: " + String.join(", ", new java.util.TreeSet<>(COLLATERAL_FIELDS.keySet())) + ")");
      } else if (variable.equals(CollateralSettings.OFFLINE) ? !v.isBoolean() : !v.isTextual()) {
        problems.add(where + "/" + field.getKey(), variable.equals(CollateralSettings.OFFLINE) ? "not true or false" : "not a string");
      } else if (!v.asText().isBlank()) {
        settings.put(variable, v.asText());
      }
    });
    problems.throwIfAny();
    return settings;
  }

  /** Where a collateral variable's value came from when the chart set it: its site-config.json field. */
  static String collateralField(String variable) {
    return COLLATERAL_FIELDS.entrySet().stream().filter(e -> e.getValue().equals(variable))
        .map(e -> CONFIG_ENV + "#/collateral/" + e.getKey()).findFirst().orElse(variable);
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
    return new SiteConfig(profile, url.toString(), policy, null, defaultAlgorithm, Map.of());
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
