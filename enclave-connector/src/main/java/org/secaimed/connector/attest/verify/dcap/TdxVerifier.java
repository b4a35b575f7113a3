package org.secaimed.connector.attest.verify.dcap;

import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.verify.EvidenceVerifier;
import org.secaimed.connector.attest.verify.VerificationContext;
import org.secaimed.connector.attest.verify.VerifiedEvidence;

/** {@code tdx}: Intel TDX quotes v4 and v5 (see {@link DcapQuoteVerifier}). */
public final class TdxVerifier implements EvidenceVerifier {
  public static final String FORMAT = "tdx";

  @Override
  public String format() {
    return FORMAT;
  }

  @Override
  public VerifiedEvidence verify(Evidence evidence, VerificationContext context) throws EvidenceFormatException {
    return DcapQuoteVerifier.verify(FORMAT, evidence, context);
  }
}
