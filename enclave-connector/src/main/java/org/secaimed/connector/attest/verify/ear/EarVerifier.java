package org.secaimed.connector.attest.verify.ear;

import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.verify.EvidenceVerifier;
import org.secaimed.connector.attest.verify.VerificationContext;
import org.secaimed.connector.attest.verify.VerifiedEvidence;

/** Work in progress: fails closed until the verifier lands. */
public final class EarVerifier implements EvidenceVerifier {
  @Override
  public String format() {
    return "ear";
  }

  @Override
  public VerifiedEvidence verify(Evidence evidence, VerificationContext context) throws EvidenceFormatException {
    throw new EvidenceFormatException("ear", "verifier", "not implemented yet");
  }
}
