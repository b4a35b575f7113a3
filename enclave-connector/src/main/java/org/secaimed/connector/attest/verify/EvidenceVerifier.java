package org.secaimed.connector.attest.verify;

import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceFormatException;

/**
 * Decides whether one evidence is genuine: parses it, checks signatures and certificate chains
 * up to a pinned vendor root, and exposes its claims. It never judges whether the claims are
 * acceptable: that is the policy's job ({@code attest.validate}).
 */
public interface EvidenceVerifier {
  /** The evidence format this verifier handles, e.g. {@code sev-snp}. */
  String format();

  /**
   * Verifies one evidence. Failed cryptographic checks are reported as FAIL checks in the
   * result; bytes that cannot even be parsed raise {@link EvidenceFormatException}.
   */
  VerifiedEvidence verify(Evidence evidence, VerificationContext context) throws EvidenceFormatException;
}
