package org.secaimed.connector.attest.verify;

import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a verifier may trust besides the pinned vendor roots compiled into it: the verification
 * instant (from an injectable clock; historic test vectors need a fixed one) and the pinned keys
 * of attestation-result verifiers (EAR/JWT).
 */
public record VerificationContext(Instant at, List<PublicKey> pinnedResultKeys) {
  public VerificationContext {
    Objects.requireNonNull(at, "at");
    pinnedResultKeys = pinnedResultKeys == null ? List.of() : List.copyOf(pinnedResultKeys);
  }

  public static VerificationContext at(Instant at) {
    return new VerificationContext(at, List.of());
  }
}
