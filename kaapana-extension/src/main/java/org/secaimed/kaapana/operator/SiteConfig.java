package org.secaimed.kaapana.operator;

import java.nio.file.Path;

/**
 * Where the site's trust settings come from: files mounted from the {@code secaimed-config} and
 * {@code secaimed-site-keys} Secrets (the chart creates the first; the site's key ceremony the
 * second). Never from {@code workflow_form}: the user picks only a profile name.
 */
public record SiteConfig(String gatewayProfile, String gatewayUrl, Path policyFile, Path siteKeyFile) {
  @Override
  public String toString() {
    return "SiteConfig[profile=" + gatewayProfile + ", gateway=" + gatewayUrl + ", policy=" + policyFile
        + ", siteKey=" + siteKeyFile + "]";
  }
}
