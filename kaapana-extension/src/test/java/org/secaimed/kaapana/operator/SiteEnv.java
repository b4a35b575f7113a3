package org.secaimed.kaapana.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.seal.KemKeys;

/** The two variables the DAG's secret refs give a pod, as the chart and the key ceremony fill them. */
public final class SiteEnv {
  private SiteEnv() {}

  /** {@code profiles}: name → {gateway URL, policy YAML}. */
  public static Map<String, String> of(Map<String, String[]> profiles, String defaultAlgorithm) throws Exception {
    return of(profiles, defaultAlgorithm, null);
  }

  /** As above, with site-config.json's {@code collateral} section (as the chart renders it; null: none). */
  public static Map<String, String> of(Map<String, String[]> profiles, String defaultAlgorithm, Map<String, Object> collateral) throws Exception {
    Map<String, Object> p = new LinkedHashMap<>();
    profiles.forEach((name, v) -> p.put(name, Map.of("gateway_url", v[0], "policy", v[1])));
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("profiles", p);
    if (defaultAlgorithm != null) config.put("default_algorithm", defaultAlgorithm);
    if (collateral != null) config.put("collateral", collateral);
    return Map.of(SiteSettings.CONFIG_ENV, new ObjectMapper().writeValueAsString(config),
        SiteSettings.KEY_ENV, KemKeys.privateKeyJson(KemKeyPair.generate(HpkeSuite.DEFAULT)));
  }

  /** The variable holding the site key. */
  public static String keyEnv() {
    return SiteSettings.KEY_ENV;
  }
}
