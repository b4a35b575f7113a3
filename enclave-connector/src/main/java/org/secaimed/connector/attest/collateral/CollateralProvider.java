package org.secaimed.connector.attest.collateral;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.secaimed.connector.attest.Evidence;

/**
 * Replaces the collateral a gateway sent with the site's own (fetched from AMD KDS / Intel PCS,
 * or cached). The gateway's certificates and collateral are only a hint: they may say which
 * product line a report is for, or carry what cannot be fetched (a cloud provider's VLEK).
 * Whatever comes back is still verified against the pinned vendor roots.
 */
public interface CollateralProvider {
  /** What the site will verify, and where each item came from (for the outcome's explanation). */
  record Resolution(Evidence evidence, List<String> sources) {
    public Resolution {
      sources = List.copyOf(sources);
    }
  }

  /**
   * @param hint the evidence as the gateway sent it
   * @param at the verification instant (freshness is judged at it)
   * @param grace how long past its freshness a cached item may still be served when a refresh fails
   */
  Resolution resolve(Evidence hint, Instant at, Duration grace) throws CollateralException;

  /** Formats whose verification needs vendor collateral (dev and EAR evidence need none). */
  static boolean needsCollateral(String format) {
    return switch (format) {
      case "sev-snp", "azure-snp-hcl", "tdx", "sgx", "composite" -> true;
      default -> false;
    };
  }

  /**
   * No site collateral configured: every format that needs collateral fails closed, naming how
   * to configure a store; the gateway's collateral is never used in its place.
   */
  static CollateralProvider none() {
    return (hint, at, grace) -> {
      throw new CollateralException(CollateralException.Reason.NOT_CONFIGURED, hint.format(),
          "the site has no collateral store configured (set SECAIMED_COLLATERAL_DIR or give --collateral-store);"
              + " the gateway's collateral is only a hint");
    };
  }
}
