package org.secaimed.connector.attest.verify.snp;

import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.verify.Certificates;
import org.secaimed.connector.attest.verify.EvidenceVerifier;
import org.secaimed.connector.attest.verify.VerificationContext;
import org.secaimed.connector.attest.verify.VerifiedEvidence;

/**
 * {@code sev-snp}: data = the 1184-byte report; certificates = VCEK or VLEK plus AMD's chain, any
 * order; collateral = optional DER CRLs from AMD KDS ({@code /vcek/v1/{product}/crl}).
 */
public final class SnpVerifier implements EvidenceVerifier {
  public static final String FORMAT = "sev-snp";

  private final ArkPins arks;

  /** Chains must end in AMD's pinned ARK. */
  public SnpVerifier() {
    this(ArkPins.AMD);
  }

  /** Tests only, through this package: a simulated root instead of AMD's. */
  SnpVerifier(ArkPins arks) {
    this.arks = arks;
  }

  @Override
  public String format() {
    return FORMAT;
  }

  @Override
  public VerifiedEvidence verify(Evidence evidence, VerificationContext context) throws EvidenceFormatException {
    SnpReport report = SnpReport.parse(evidence.data());
    VerifiedEvidence.Builder r = VerifiedEvidence.builder(FORMAT);
    SnpReportVerifier.verify(report, Certificates.parseAll(evidence.certificates(), FORMAT),
        Certificates.parseCrls(evidence.collateral(), FORMAT), context.at(), arks, r);
    r.reportData(report.reportData());
    return r.build();
  }
}
