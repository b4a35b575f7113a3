package org.secaimed.connector.attest.validate;

import java.time.Duration;
import java.time.Instant;
import org.secaimed.connector.attest.verify.VerifiedEvidence;

/**
 * Rules on vendor collateral (CRLs, Intel TCB info and QE identity). The gateway supplies it and
 * may leave pieces out or keep serving old ones, so the policy decides what must be present,
 * current and recent enough.
 */
final class CollateralRules {
  private CollateralRules() {}

  static void judge(PolicyDocument.Document p, VerifiedEvidence v, Instant at, Rules r, boolean intel) {
    current(p, v, r);
    VerifiedEvidence.CollateralFacts c = v.collateral();
    String revocation = "The vendor's revocation lists for every certificate of the chain were checked and are current";
    if (p.requireRevocation()) {
      r.expect(c.revocationChecked(), "policy.revocation-checked", revocation,
          "required by policy, but not every CRL was supplied genuine and current"
              + (intel ? " (Intel: Root CA and PCK CA CRLs)" : " (AMD: the ARK's CRL)"));
    } else {
      r.skip("policy.revocation-checked", revocation, c.revocationChecked() ? "checked, but not required by policy" : "not required by policy");
    }
    if (intel) {
      Integer min = p.minimumTcbEvaluationDataNumber();
      String d = "Intel's TCB data is at least evaluation number " + min + " (older data can hide a TCB recovery)";
      if (min == null) r.skip("policy.tcb-evaluation-number", "Intel's TCB evaluation data number meets the policy's minimum", "no minimum set");
      else r.expect(c.tcbEvaluationDataNumber().map(n -> n >= min).orElse(false), "policy.tcb-evaluation-number", d,
          c.tcbEvaluationDataNumber().map(n -> "evaluation number " + n).orElse("no TCB info or QE identity supplied"));
    }
    Duration max = p.maxCollateralAge();
    String age = "The vendor collateral was issued at most " + max + " ago";
    if (max == null) {
      r.skip("policy.collateral-age", "The vendor collateral is recent enough", "no maximum age set");
    } else {
      r.expect(c.oldestIssue().map(i -> !i.isBefore(at.minus(max))).orElse(false), "policy.collateral-age", age,
          c.oldestIssue().map(i -> "oldest issued " + i).orElse("no dated collateral supplied"));
    }
  }

  private static void current(PolicyDocument.Document p, VerifiedEvidence v, Rules r) {
    String d = "The vendor collateral used for the verdict (CRLs, TCB data and their signers) is current";
    if (v.collateralCurrent().isEmpty()) {
      r.skip("policy.collateral-current", d, "no collateral supplied (revocation and TCB rules judge what is missing)");
      return;
    }
    if (v.collateralCurrent().get()) r.pass("policy.collateral-current", d, "");
    else if (p.requireCurrentCollateral()) r.fail("policy.collateral-current", d, "a CRL, TCB info or QE identity (or its signing certificate) is past its next update or expired");
    else r.pass("policy.collateral-stale-allowed", "The policy accepts stale vendor collateral (requireCurrentCollateral: false)", "collateral is NOT current");
  }
}
