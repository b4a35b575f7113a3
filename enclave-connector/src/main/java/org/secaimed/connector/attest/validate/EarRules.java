package org.secaimed.connector.attest.validate;

import java.util.List;
import java.util.Map;
import org.secaimed.connector.attest.verify.VerifiedEvidence;

/** Rules on an attestation result (EAR): profile, verifier identity, required submods and their appraisal policy. */
final class EarRules {
  private EarRules() {}

  static void judge(PolicyDocument.Ear e, VerifiedEvidence v, Rules r) {
    Object profile = v.claims().get("eat_profile");
    if (e.profiles().isEmpty()) {
      r.fail("policy.ear-profile", "The attestation result follows an accepted profile", "the policy names no accepted EAR profile");
    } else {
      r.expect(profile != null && e.profiles().contains(String.valueOf(profile)), "policy.ear-profile",
          "The attestation result follows an accepted profile", "profile " + profile);
    }
    verifierId(e, v, r);
    Map<?, ?> statuses = v.claims().get("submodStatus") instanceof Map<?, ?> m ? m : Map.of();
    List<String> required = e.requiredSubmods();
    String d = "The remote verifier affirmed every required component (ear.status = affirming)";
    if (required.isEmpty()) {
      r.fail("policy.ear-affirming", d, "the policy names no required submods (fail closed: one trivial affirming submod must not pass)");
    } else {
      r.expect(required.stream().allMatch(k -> "affirming".equals(statuses.get(k))), "policy.ear-affirming", d,
          "statuses " + statuses + ", required " + required);
    }
    Map<?, ?> policies = v.claims().get("appraisalPolicyIds") instanceof Map<?, ?> m ? m : Map.of();
    String pd = "The verifier appraised the required components under an approved appraisal policy";
    if (e.appraisalPolicyIds().isEmpty()) {
      r.skip("policy.ear-appraisal-policy", pd, "not pinned by the policy");
    } else {
      r.expect(!required.isEmpty() && required.stream().allMatch(k -> policies.get(k) != null && e.appraisalPolicyIds().contains(String.valueOf(policies.get(k)))),
          "policy.ear-appraisal-policy", pd, "appraisal policies " + policies + ", approved " + e.appraisalPolicyIds());
    }
  }

  private static void verifierId(PolicyDocument.Ear e, VerifiedEvidence v, Rules r) {
    String d = "The result was issued by an approved verifier (ear.verifier-id)";
    if (e.verifierIds().isEmpty()) {
      r.skip("policy.ear-verifier-id", d, "not pinned by the policy");
      return;
    }
    Map<?, ?> id = v.claims().get("verifierId") instanceof Map<?, ?> m ? m : Map.of();
    boolean ok = e.verifierIds().stream().anyMatch(want -> want.developer().equals(id.get("developer"))
        && (want.build() == null || want.build().equals(id.get("build"))));
    r.expect(ok, "policy.ear-verifier-id", d, "verifier-id " + id);
  }
}
