package org.secaimed.kaapana.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.secaimed.connector.attest.collateral.CollateralSettings;
import org.secaimed.connector.attest.collateral.SiteCollateral;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Where the site's own collateral comes from (docs/attestation.md "Collateral at the site"): an
 * option, else the site's {@code SECAIMED_COLLATERAL_*} variable, else the real service. Read by
 * the shared {@link CollateralSettings}, as the Kaapana job reads it.
 */
final class CollateralOptions {
  @Option(names = "--kds", paramLabel = "URL",
      description = "AMD KDS base URL or a site mirror (default $SECAIMED_COLLATERAL_KDS_URL, else https://kdsintf.amd.com)")
  String kds;
  @Option(names = "--pcs", paramLabel = "URL",
      description = "Intel PCS base URL or a site mirror (default $SECAIMED_COLLATERAL_PCS_URL, else https://api.trustedservices.intel.com)")
  String pcs;
  @Option(names = "--intel-root-crl", paramLabel = "URL",
      description = "Intel SGX Root CA CRL (default $SECAIMED_COLLATERAL_INTEL_ROOT_CRL_URL, else https://certificates.trustedservices.intel.com/IntelSGXRootCA.der)")
  String rootCrl;

  /** The environment the defaults come from (tests replace it). */
  static Map<String, String> environment = System.getenv();

  SiteCollateral site(CommandSpec spec, Path store, boolean offline) {
    return settings(spec, store, offline ? SiteCollateral.Mode.OFFLINE : SiteCollateral.Mode.ONLINE).provider();
  }

  /** {@code store} and {@code mode} as given; endpoints from the options, else the environment, else the real services. */
  CollateralSettings settings(CommandSpec spec, Path store, SiteCollateral.Mode mode) {
    try {
      CollateralSettings env = CollateralSettings.fromEnvironment(environment, store);
      return env.withStore(store).withMode(mode).withEndpoints(url(spec, "--kds", kds, env.kds()), url(spec, "--pcs", pcs, env.pcs()),
          url(spec, "--intel-root-crl", rootCrl, env.rootCrl()));
    } catch (CollateralSettings.InvalidSetting e) {
      throw Usage.error(spec, e.getMessage());
    }
  }

  private static URI url(CommandSpec spec, String option, String value, URI fallback) {
    try {
      return CollateralSettings.url(option, value, fallback);
    } catch (CollateralSettings.InvalidSetting e) {
      throw Usage.error(spec, option, e.getMessage().substring(option.length() + 2));
    }
  }
}
