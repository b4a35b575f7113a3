package org.secaimed.connector.attest.verify;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.verify.composite.CompositeVerifier;
import org.secaimed.connector.attest.verify.dcap.SgxVerifier;
import org.secaimed.connector.attest.verify.dcap.TdxVerifier;
import org.secaimed.connector.attest.verify.dev.DevEvidenceVerifier;
import org.secaimed.connector.attest.verify.ear.EarVerifier;
import org.secaimed.connector.attest.verify.snp.AzureSnpHclVerifier;
import org.secaimed.connector.attest.verify.snp.SnpVerifier;

/** The verifier for each format. An unknown format or unparseable bytes become a FAIL check, never an exception. */
public final class Verifiers {
  private final Map<String, EvidenceVerifier> byFormat = new LinkedHashMap<>();

  private Verifiers() {}

  /** All built-in verifiers: sev-snp, azure-snp-hcl, tdx, sgx, ear, dev, composite. */
  public static Verifiers standard() {
    Verifiers v = new Verifiers();
    v.add(new SnpVerifier());
    v.add(new AzureSnpHclVerifier());
    v.add(new TdxVerifier());
    v.add(new SgxVerifier());
    v.add(new EarVerifier());
    v.add(new DevEvidenceVerifier());
    v.add(new CompositeVerifier(v));
    return v;
  }

  /**
   * The standard verifiers with some formats' verifiers replaced (a composite then uses the
   * replacements too). Which roots a verifier trusts is fixed by how it is constructed; the
   * production verifiers pin the vendors' roots and nothing configurable changes that.
   */
  public static Verifiers standardWith(EvidenceVerifier... replacements) {
    Verifiers v = new Verifiers();
    for (EvidenceVerifier e : standard().byFormat.values()) {
      if (!e.format().equals(CompositeVerifier.FORMAT)) v.add(e);
    }
    for (EvidenceVerifier e : replacements) v.add(e);
    v.add(new CompositeVerifier(v));
    return v;
  }

  private void add(EvidenceVerifier verifier) {
    byFormat.put(verifier.format(), verifier);
  }

  public Set<String> formats() {
    return byFormat.keySet();
  }

  public VerifiedEvidence verify(Evidence evidence, VerificationContext context) {
    EvidenceVerifier verifier = byFormat.get(evidence.format());
    if (verifier == null) {
      return VerifiedEvidence.builder(evidence.format())
          .fail("evidence.format-known", "The evidence format is one this client can verify",
              "unknown format '" + evidence.format() + "'; known: " + String.join(", ", byFormat.keySet()))
          .build();
    }
    try {
      return verifier.verify(evidence, context);
    } catch (EvidenceFormatException e) {
      return VerifiedEvidence.builder(evidence.format())
          .fail("evidence.parse", "The evidence is well-formed", e.getMessage())
          .build();
    }
  }
}
