package org.secaimed.connector.attest.validate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.secaimed.connector.attest.Check;
import org.secaimed.connector.attest.verify.VerifiedEvidence;

/**
 * Judges verified evidence against a {@link Policy}: is what the genuine evidence claims
 * acceptable for this site? Every rule yields a named check; rules the policy does not set are
 * reported as skipped, and mandatory reference values that are missing fail closed.
 */
public final class PolicyValidator {
  private final Policy policy;
  private final Policy.Document p;

  public PolicyValidator(Policy policy) {
    this.policy = policy;
    this.p = policy.document();
  }

  public List<Check> validate(VerifiedEvidence v, Instant at) {
    List<Check> out = new ArrayList<>();
    validate(v, at, "", out);
    return out;
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
      case "sev-snp", "azure-snp-hcl" -> snp(v, r);
      case "tdx" -> tdx(v, r);
      case "sgx" -> sgx(v, r);
      case "ear" -> ear(v, r);
      case "dev" -> dev(v, r);
      case "composite" -> {
        for (int i = 0; i < v.parts().size(); i++) validate(v.parts().get(i), at, prefix + "part[" + i + "].", out);
      }
      default -> r.fail("policy.format-rules", "The policy has rules for this evidence type", "no rules for '" + v.format() + "'");
    }
  }

  private void snp(VerifiedEvidence v, Rules r) {
    Policy.SevSnp s = p.sevSnp();
    Object product = v.claims().get("product");
    r.expect(product != null && s.products().contains(String.valueOf(product)), "policy.snp-product",
        "The AMD processor family is one the policy accepts", "product " + product + ", accepted " + s.products());
    debug(v, r, s.allowDebug(), "The guest's launch policy forbids debugging (a debuggable guest's memory can be read by the host)");
    Object migrate = v.claims().get("migrationAgentAllowed");
    r.expect(s.allowMigrationAgent() || Boolean.FALSE.equals(migrate), "policy.snp-migration-agent",
        "The guest cannot be migrated by a migration agent", "MIGRATE_MA is set");
    Object vmpl = v.claims().get("vmpl");
    r.expect(vmpl instanceof Integer i && s.vmpl().contains(i), "policy.snp-vmpl",
        "The report was requested at an accepted privilege level (VMPL)", "VMPL " + vmpl + ", accepted " + s.vmpl());
    reference(v, r, "measurement", s.measurements(), true, "The launch measurement (code and firmware) is an approved one");
    reference(v, r, "hostData", s.hostData(), false, "The host data set at launch is an approved one");
    reference(v, r, "idKeyDigest", s.idKeyDigests(), false, "The ID key that signed the launch is an approved one");
    minimumTcb(v, r, s.minimumTcb());
  }

  private void tdx(VerifiedEvidence v, Rules r) {
    Policy.Tdx t = p.tdx();
    debug(v, r, t.allowDebug(), "The trust domain is not debuggable (TDATTRIBUTES.DEBUG is clear)");
    reference(v, r, "mrtd", t.mrtd(), true, "The initial trust-domain image (MRTD) is an approved one");
    reference(v, r, "rtmr0", t.rtmr0(), false, "The firmware configuration measurement (RTMR0) is an approved one");
    reference(v, r, "rtmr1", t.rtmr1(), false, "The kernel measurement (RTMR1) is an approved one");
    reference(v, r, "rtmr2", t.rtmr2(), false, "The command line / initrd measurement (RTMR2) is an approved one");
    reference(v, r, "rtmr3", t.rtmr3(), false, "The runtime measurement (RTMR3) is an approved one");
    reference(v, r, "mrConfigId", t.mrConfigId(), false, "The configuration id (MRCONFIGID) is an approved one");
    tcbStatus(v, r, t.acceptedTcbStatuses(), t.requireTcbStatus());
    collateral(v, r);
  }

  private void sgx(VerifiedEvidence v, Rules r) {
    Policy.Sgx s = p.sgx();
    debug(v, r, s.allowDebug(), "The enclave is not a debug enclave (ATTRIBUTES.DEBUG is clear)");
    if (s.mrEnclave().isEmpty() && s.mrSigner().isEmpty()) {
      r.fail("policy.sgx-identity", "The enclave identity (MRENCLAVE or MRSIGNER) is an approved one", "the policy pins neither MRENCLAVE nor MRSIGNER");
    } else {
      reference(v, r, "mrEnclave", s.mrEnclave(), false, "The enclave code (MRENCLAVE) is an approved one");
      if (!s.mrSigner().isEmpty()) {
        reference(v, r, "mrSigner", s.mrSigner(), false, "The enclave signer (MRSIGNER) is an approved one");
        Integer prod = v.tcb().get("isvProdId");
        Integer svn = v.tcb().get("isvSvn");
        if (s.isvProdId() != null) {
          r.expect(s.isvProdId().equals(prod), "policy.sgx-isv-prod-id", "The enclave product id is the approved one", "ISVPRODID " + prod);
        }
        r.expect(svn != null && svn >= s.minIsvSvn(), "policy.sgx-isv-svn", "The enclave security version is at least " + s.minIsvSvn(), "ISVSVN " + svn);
      }
    }
    tcbStatus(v, r, s.acceptedTcbStatuses(), true);
    collateral(v, r);
  }

  private void ear(VerifiedEvidence v, Rules r) {
    Policy.Ear e = p.ear();
    Object profile = v.claims().get("eat_profile");
    if (e.profiles().isEmpty()) {
      r.fail("policy.ear-profile", "The attestation result follows an accepted profile", "the policy names no accepted EAR profile");
    } else {
      r.expect(profile != null && e.profiles().contains(String.valueOf(profile)), "policy.ear-profile",
          "The attestation result follows an accepted profile", "profile " + profile);
    }
    Object sub = v.claims().get("submodStatus");
    Map<?, ?> statuses = sub instanceof Map<?, ?> m ? m : Map.of();
    List<String> required = e.requiredSubmods().isEmpty() ? statuses.keySet().stream().map(String::valueOf).toList() : e.requiredSubmods();
    boolean ok = !required.isEmpty() && required.stream().allMatch(k -> "affirming".equals(statuses.get(k)));
    r.expect(ok, "policy.ear-affirming", "The remote verifier affirmed every required component (ear.status = affirming)",
        "statuses " + statuses + ", required " + required);
  }

  private void dev(VerifiedEvidence v, Rules r) {
    if (p.dev().acceptAnyMeasurement()) {
      r.pass("policy.measurement", "The dev enclave's code measurement is an approved one", "any measurement accepted (dev policy)");
    } else {
      reference(v, r, "measurement", p.dev().measurements(), true, "The dev enclave's code measurement is an approved one");
    }
  }

  private static void debug(VerifiedEvidence v, Rules r, boolean allowed, String description) {
    boolean debug = v.debug().orElse(true);
    r.expect(!debug || allowed, "policy.debug-off", description,
        v.debug().isEmpty() ? "the evidence does not state whether debugging is possible" : "debugging is enabled");
  }

  private static void reference(VerifiedEvidence v, Rules r, String field, List<String> allowed, boolean mandatory, String description) {
    String id = "policy." + field;
    if (allowed.isEmpty()) {
      if (mandatory) r.fail(id, description, "the policy pins no " + field + " (fail closed)");
      else r.skip(id, description, "not pinned by the policy");
      return;
    }
    String actual = v.referenceValues().get(field);
    r.expect(actual != null && allowed.contains(actual), id, description, field + " " + actual + " is not in the policy's list");
  }

  private static void minimumTcb(VerifiedEvidence v, Rules r, Map<String, Integer> minimum) {
    if (minimum.isEmpty()) {
      r.skip("policy.minimum-tcb", "The firmware and microcode versions meet the policy's minimum", "no minimum set");
      return;
    }
    List<String> low = new ArrayList<>();
    minimum.forEach((k, min) -> {
      Integer actual = v.tcb().get(k);
      if (actual == null || actual < min) low.add(k + " " + actual + " < " + min);
    });
    r.expect(low.isEmpty(), "policy.minimum-tcb", "The firmware and microcode versions (reported TCB) meet the policy's minimum", String.join(", ", low));
  }

  private static void tcbStatus(VerifiedEvidence v, Rules r, List<String> accepted, boolean required) {
    String status = v.tcbStatus().orElse(null);
    if (status == null) {
      if (required) r.fail("policy.tcb-status", "The platform's patch level (Intel TCB status) is accepted", "no TCB collateral was supplied, so the status is unknown");
      else r.skip("policy.tcb-status", "The platform's patch level (Intel TCB status) is accepted", "no collateral and not required");
      return;
    }
    r.expect(accepted.contains(status), "policy.tcb-status", "The platform's patch level (Intel TCB status) is accepted",
        "status " + status + ", accepted " + accepted);
  }

  private void collateral(VerifiedEvidence v, Rules r) {
    if (v.collateralCurrent().isEmpty()) {
      r.skip("policy.collateral-current", "The vendor's TCB data used for the verdict is current", "no collateral supplied");
      return;
    }
    r.expect(v.collateralCurrent().get() || !p.requireCurrentCollateral(), "policy.collateral-current",
        "The vendor's TCB data used for the verdict is current", "collateral or its signing certificate has expired");
  }

  /** Collects checks under an id prefix (for composite parts). */
  private record Rules(String prefix, List<Check> out) {
    void expect(boolean ok, String id, String description, String failDetail) {
      out.add(new Check(prefix + id, description, ok ? Check.Status.PASS : Check.Status.FAIL, ok ? "" : failDetail));
    }

    void pass(String id, String description, String detail) {
      out.add(new Check(prefix + id, description, Check.Status.PASS, detail));
    }

    void fail(String id, String description, String detail) {
      out.add(new Check(prefix + id, description, Check.Status.FAIL, detail));
    }

    void skip(String id, String description, String detail) {
      out.add(new Check(prefix + id, description, Check.Status.SKIPPED, detail));
    }
  }

  public Policy policy() {
    return policy;
  }
}
