package org.secaimed.kaapana.operator;

import java.util.Map;
import java.util.Optional;

/**
 * The site's trust settings for one run, from two Secrets the pod gets as secret-key-ref
 * environment variables (Kaapana 0.6.0 {@code KaapanaBaseOperator(secrets=[V1EnvVar])}):
 * {@code SECAIMED_SITE_CONFIG} (gateway profiles and the default algorithm, rendered by the chart
 * from its extension_params) and {@code SECAIMED_SITE_KEY} (the site's private key). Never from
 * {@code workflow_form}: the user picks only a profile name.
 *
 * <p>{@code collateral} holds the site-wide collateral settings the chart rendered (offline, KDS/PCS
 * mirrors), keyed by the {@code SECAIMED_COLLATERAL_*} variable each stands for, so one reader
 * applies them ({@link KaapanaEnvironment#collateralSettings()}); a variable set on the pod wins.
 */
public record SiteConfig(String gatewayProfile, String gatewayUrl, String policyYaml, String siteKeyJson,
                         Optional<String> defaultAlgorithm, Map<String, String> collateral) {
  public SiteConfig {
    collateral = Map.copyOf(collateral);
  }

  @Override
  public String toString() {
    return "SiteConfig[profile=" + gatewayProfile + ", gateway=" + gatewayUrl + ", policy=" + policyYaml.length()
        + " chars, siteKey=(set)" + defaultAlgorithm.map(a -> ", defaultAlgorithm=" + a).orElse("")
        + (collateral.isEmpty() ? "" : ", collateral=" + collateral.keySet()) + "]";
  }
}
