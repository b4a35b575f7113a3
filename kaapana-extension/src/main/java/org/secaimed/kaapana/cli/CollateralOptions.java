package org.secaimed.kaapana.cli;

import java.net.URI;
import java.nio.file.Path;
import org.secaimed.connector.attest.collateral.SiteCollateral;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Where the site's own collateral comes from (docs/attestation.md "Collateral at the site"). */
final class CollateralOptions {
  @Option(names = "--kds", paramLabel = "URL", description = "AMD KDS base URL or a site mirror (default https://kdsintf.amd.com)")
  URI kds = SiteCollateral.AMD_KDS;
  @Option(names = "--pcs", paramLabel = "URL", description = "Intel PCS base URL or a site mirror (default https://api.trustedservices.intel.com)")
  URI pcs = SiteCollateral.INTEL_PCS;
  @Option(names = "--intel-root-crl", paramLabel = "URL",
      description = "Intel SGX Root CA CRL (default https://certificates.trustedservices.intel.com/IntelSGXRootCA.der)")
  URI rootCrl = SiteCollateral.INTEL_ROOT_CRL;

  SiteCollateral site(CommandSpec spec, Path store, boolean offline) {
    for (var e : java.util.Map.of("--kds", kds, "--pcs", pcs, "--intel-root-crl", rootCrl).entrySet()) {
      String scheme = e.getValue().getScheme();
      if (!"https".equals(scheme) && !"http".equals(scheme)) throw Usage.error(spec, e.getKey(), "not an http(s) URL: " + e.getValue());
    }
    return SiteCollateral.builder(store).mode(offline ? SiteCollateral.Mode.OFFLINE : SiteCollateral.Mode.ONLINE)
        .endpoints(kds, pcs, rootCrl).build();
  }
}
