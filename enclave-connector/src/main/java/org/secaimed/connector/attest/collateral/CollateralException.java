package org.secaimed.connector.attest.collateral;

import org.secaimed.connector.SecaimedFailure;

/**
 * The site could not obtain a piece of collateral it needs (AMD KDS / Intel PCS material). Names
 * the item (store key) and why; never carries response bodies.
 */
public final class CollateralException extends Exception implements SecaimedFailure {
  /** Why an item is unavailable. */
  public enum Reason {
    /** The service could not be reached or kept failing, and no cached copy within the grace exists. */
    UNAVAILABLE,
    /** The service throttled us (HTTP 429/503) for longer than we are willing to wait. */
    THROTTLED,
    /** The service answered that the item does not exist (e.g. a VCEK for an unknown chip or TCB). */
    NOT_FOUND,
    /** The answer was not what the endpoint serves (wrong type, unparseable, too large). */
    BAD_RESPONSE,
    /** Offline mode: the pre-seeded store does not hold the item. */
    NOT_IN_OFFLINE_STORE,
    /** A stored entry does not match its recorded digest (edited or torn file). */
    CORRUPT_CACHE,
    /** The evidence does not say enough to know what to fetch (e.g. no product line). */
    NOT_FETCHABLE,
    /** The site has no collateral store configured, so it has nothing of its own to verify with. */
    NOT_CONFIGURED
  }

  private final Reason reason;
  private final String item;

  public CollateralException(Reason reason, String item, String message) {
    super("collateral " + item + ": " + message);
    this.reason = reason;
    this.item = item;
  }

  public Reason reason() {
    return reason;
  }

  /** The store key of the item, e.g. {@code intel/tdx/tcb-50806f000000}. */
  public String item() {
    return item;
  }

  @Override
  public String code() {
    return reason.name();
  }
}
