package org.secaimed.connector.attest.verify.snp;

import java.security.MessageDigest;
import java.util.Arrays;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.verify.Bytes;
import org.secaimed.connector.attest.verify.Certificates;
import org.secaimed.connector.attest.verify.EvidenceVerifier;
import org.secaimed.connector.attest.verify.Hex;
import org.secaimed.connector.attest.verify.VerificationContext;
import org.secaimed.connector.attest.verify.VerifiedEvidence;

/**
 * {@code azure-snp-hcl}: an Azure CVM HCL report. The SNP report is verified as for
 * {@code sev-snp}; then REPORT_DATA must hold the hash of the runtime data, and the runtime
 * data's {@code user-data} (64 bytes) is what binds the keys and nonce.
 */
public final class AzureSnpHclVerifier implements EvidenceVerifier {
  public static final String FORMAT = "azure-snp-hcl";

  @Override
  public String format() {
    return FORMAT;
  }

  @Override
  public VerifiedEvidence verify(Evidence evidence, VerificationContext context) throws EvidenceFormatException {
    AzureHclReport hcl = AzureHclReport.parse(evidence.data());
    VerifiedEvidence.Builder r = VerifiedEvidence.builder(FORMAT);
    SnpReportVerifier.verify(hcl.snp(), Certificates.parseAll(evidence.certificates(), FORMAT),
        Certificates.parseCrls(evidence.collateral(), FORMAT), context.at(), ArkPins.AMD, r);
    byte[] rd = hcl.snp().reportData();
    String alg = switch (hcl.hashType()) {
      case 1 -> "SHA-256";
      case 2 -> "SHA-384";
      case 3 -> "SHA-512";
      default -> null;
    };
    boolean bound = false;
    if (alg != null) {
      try {
        byte[] h = MessageDigest.getInstance(alg).digest(hcl.runtimeData());
        bound = MessageDigest.isEqual(h, Arrays.copyOf(rd, h.length)) && Bytes.allZero(Arrays.copyOfRange(rd, h.length, 64));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    r.expect(bound, "azure.runtime-data-bound", "The report vouches for Azure's runtime data (its hash is in REPORT_DATA)",
        alg == null ? "unknown hash type " + hcl.hashType() : "REPORT_DATA does not hold the runtime data's " + alg);
    var vm = hcl.runtimeJson().get("vm-configuration");
    if (vm != null) r.claim("vmConfiguration", vm.toString());
    byte[] user = hcl.userData();
    r.claim("userData", Hex.of(user));
    r.reportData(user);
    return r.build();
  }
}
