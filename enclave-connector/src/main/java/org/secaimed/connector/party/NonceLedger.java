package org.secaimed.connector.party;

import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers request nonces until their signatures expire, so a captured request cannot be played
 * again. The enclave keeps one that survives restarts; {@link #inMemory()} is for one process.
 */
public interface NonceLedger {
  /** Records {@code nonce} (of {@code party}) as used until {@code expires}; false if it was already used. {@code now} prunes. */
  boolean firstUse(String party, String nonce, Instant expires, Instant now);

  static NonceLedger inMemory() {
    Map<String, Instant> seen = new ConcurrentHashMap<>();
    return (party, nonce, expires, now) -> {
      for (Iterator<Map.Entry<String, Instant>> it = seen.entrySet().iterator(); it.hasNext(); ) {
        if (it.next().getValue().isBefore(now)) it.remove();
      }
      return seen.putIfAbsent(party + ":" + nonce, expires) == null;
    };
  }
}
