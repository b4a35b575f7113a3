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
}
