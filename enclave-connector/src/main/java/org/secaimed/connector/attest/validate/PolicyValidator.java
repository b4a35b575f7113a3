package org.secaimed.connector.attest.validate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.secaimed.connector.attest.Check;
import org.secaimed.connector.attest.verify.VerifiedEvidence;

/**
 * Judges verified evidence against a {@link Policy}: is what the genuine evidence claims
 * acceptable for this site? Every rule yields a named check; rules the policy does not set are
 * reported as skipped, and mandatory reference values that are missing fail closed.
 */
public final class PolicyValidator {
  private final Policy policy;
  private final PolicyDocument.Document p;

  public PolicyValidator(Policy policy) {
    this.policy = policy;
    this.p = policy.document();
  }

  public List<Check> validate(VerifiedEvidence v, Instant at) {
    List<Check> out = new ArrayList<>();
    validate(v, at, "", out);
    return out;
  }

  /** The enclave's KEM suite must be one the policy allows (default X-Wing only: no silent fallback to classical sealing). */
  public Check kemSuite(String suite) {
    boolean ok = p.allowedKemSuites().contains(suite);
    return new Check("policy.kem-suite", "The enclave's encryption suite is one the policy allows for sealing",
        ok ? Check.Status.PASS : Check.Status.FAIL, ok ? suite : "suite " + suite + ", allowed " + p.allowedKemSuites());
  }

  private void validate(VerifiedEvidence v, Instant at, String prefix, List<Check> out) {
    Rules r = new Rules(prefix, out);
    r.expect(p.allowedFormats().contains(v.format()), "policy.format-allowed",
        "The policy allows evidence of type '" + v.format() + "'",
        "allowed: " + p.allowedFormats());
    if (!v.verified()) {
      r.skip("policy.claims", "The evidence's claims meet the policy", "the evidence was not verified, so its claims are not judged");
      return;
    }
    if (v.insecure()) {
      r.expect(p.allowInsecureDevEnclave(), "policy.insecure-enclave",
          "The policy accepts an INSECURE development enclave (software keys, no hardware protection)",
          "the evidence is INSECURE and allowInsecureDevEnclave is false");
    }
    v.issuedAt().ifPresent(issued -> {
      Duration age = Duration.between(issued, at);
      r.expect(!age.isNegative() || age.abs().compareTo(Duration.ofMinutes(5)) <= 0, "policy.evidence-not-future",
          "The evidence was not issued in the future", "issued " + issued + ", now " + at);
      r.expect(age.compareTo(p.maxEvidenceAge()) <= 0, "policy.evidence-age",
          "The evidence is at most " + p.maxEvidenceAge() + " old", "issued " + issued + ", " + age.toSeconds() + " s before " + at);
    });
    switch (v.format()) {
      case "sev-snp" -> {
        SnpRules.judge(p.sevSnp(), v, r);
        CollateralRules.judge(p, v, at, r, false);
      }
      case "azure-snp-hcl" -> {
        azure(r);
        SnpRules.judge(p.sevSnp(), v, r);
        CollateralRules.judge(p, v, at, r, false);
      }
      case "tdx" -> {
        IntelRules.tdx(p.tdx(), v, r, p.production());
        CollateralRules.judge(p, v, at, r, true);
      }
      case "sgx" -> {
        IntelRules.sgx(p.sgx(), v, r);
        CollateralRules.judge(p, v, at, r, true);
      }
      case "ear" -> EarRules.judge(p.ear(), v, r);
      case "dev" -> dev(v, r);
      case "composite" -> {
        for (int i = 0; i < v.parts().size(); i++) validate(v.parts().get(i), at, prefix + "part[" + i + "].", out);
      }
      default -> r.fail("policy.format-rules", "The policy has rules for this evidence type", "no rules for '" + v.format() + "'");
    }
  }

  /**
   * Azure's HCL report proves only the paravisor: its REPORT_DATA covers runtime data any guest
   * code can write, and the guest is measured into the vTPM, whose quote is not verified here.
   */
  private void azure(Rules r) {
    String d = "The guest's own code is attested (a vTPM quote over the key binding, with pinned PCRs)";
    if (p.azureSnpHcl().allowParavisorOnlyEvidence()) {
      r.pass("policy.azure-paravisor-only-allowed", "The policy accepts Azure evidence that attests only the paravisor, NOT the guest code",
          "azureSnpHcl.allowParavisorOnlyEvidence is true");
    } else {
      r.fail("policy.azure-guest-attested", d, "not verifiable: azure-snp-hcl evidence attests only Azure's paravisor and this "
          + "verifier checks no vTPM quote or PCRs, so any Azure confidential VM would pass");
    }
  }

  private void dev(VerifiedEvidence v, Rules r) {
    if (p.dev().acceptAnyMeasurement()) {
      r.pass("policy.measurement", "The dev enclave's code measurement is an approved one", "any measurement accepted (dev policy)");
    } else {
      r.reference(v, "measurement", p.dev().measurements(), true, "The dev enclave's code measurement is an approved one");
    }
  }

  public Policy policy() {
    return policy;
  }
}
