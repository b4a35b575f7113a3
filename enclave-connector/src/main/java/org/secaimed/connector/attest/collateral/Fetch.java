package org.secaimed.connector.attest.collateral;

import java.net.URI;

/** Gets one item through the cache (bound to one resolution's instant and grace). */
@FunctionalInterface
interface Fetch {
  CollateralItem get(String key, URI url, CollateralKind kind, String chainHeader) throws CollateralException;
}
