package org.secaimed.connector.attest.validate;

import java.util.List;
import java.util.Map;
import org.secaimed.connector.attest.verify.VerifiedEvidence;

/** SEV-SNP (and Azure HCL-wrapped SNP) rules over the claims SnpReportVerifier produces. */
final class SnpRules {
  private SnpRules() {}

  static void judge(PolicyDocument.SevSnp s, VerifiedEvidence v, Rules r) {
    Object product = v.claims().get("product");
    r.expect(product != null && s.products().contains(String.valueOf(product)), "policy.snp-product",
        "The AMD processor family is one the policy accepts", "product " + product + ", accepted " + s.products());
    r.debug(v, s.allowDebug(), "The guest's launch policy forbids debugging (a debuggable guest's memory can be read by the host)");
    Object migrate = v.claims().get("migrationAgentAllowed");
    r.expect(s.allowMigrationAgent() || Boolean.FALSE.equals(migrate), "policy.snp-migration-agent",
        "The guest cannot be migrated by a migration agent", "MIGRATE_MA is set");
    Object vmpl = v.claims().get("vmpl");
    r.expect(vmpl instanceof Integer i && s.vmpl().contains(i), "policy.snp-vmpl",
        "The report was requested at an accepted privilege level (VMPL)", "VMPL " + vmpl + ", accepted " + s.vmpl());
    r.reference(v, "measurement", s.measurements(), true, "The launch measurement (code and firmware) is an approved one");
    r.reference(v, "hostData", s.hostData(), false, "The host data set at launch is an approved one");
    r.reference(v, "idKeyDigest", s.idKeyDigests(), false, "The ID key that signed the launch is an approved one");
    r.minimum("policy.minimum-tcb", "The firmware and microcode versions (reported TCB) meet the policy's minimum", s.minimumTcb(),
        v.tcb());
    r.minimum("policy.snp-minimum-launch-tcb", "The firmware the guest was launched on (LAUNCH_TCB) meets the policy's minimum",
        s.minimumLaunchTcb(), (Map<?, ?>) v.claims().get("launchTcb"));
    smt(s, v, r);
    if (s.requireSingleSocket()) {
      r.expect(Boolean.TRUE.equals(v.claims().get("singleSocket")), "policy.snp-single-socket",
          "The guest's launch policy restricts it to one socket", "SINGLE_SOCKET is clear");
    } else {
      r.skip("policy.snp-single-socket", "The guest's launch policy restricts it to one socket", "not required by policy");
    }
    provisional(s, v, r);
    guestSvn(s, v, r);
    vlek(s, v, r);
  }

  private static void smt(PolicyDocument.SevSnp s, VerifiedEvidence v, Rules r) {
    if (s.allowSmt() == null) {
      r.skip("policy.snp-smt", "Simultaneous multithreading (shared cores) is judged", "the policy does not decide allowSmt");
    } else if (s.allowSmt()) {
      r.pass("policy.snp-smt-allowed", "The policy accepts a guest that may share cores with other tenants (SMT)",
          "guest policy SMT bit " + (Boolean.TRUE.equals(v.claims().get("smtAllowed")) ? "set" : "clear"));
    } else {
      r.expect(Boolean.FALSE.equals(v.claims().get("smtAllowed")), "policy.snp-smt-off",
          "The guest cannot run with SMT enabled (no sibling-thread side channels)", "the guest's launch policy allows SMT");
    }
  }

  /** Provisional firmware: the running (current) firmware or TCB differs from the committed one, so it can still be rolled back. */
  private static void provisional(PolicyDocument.SevSnp s, VerifiedEvidence v, Rules r) {
    Object current = v.claims().get("currentTcb");
    Object committed = v.claims().get("committedTcb");
    Object fw = v.claims().get("firmware");
    Object committedFw = v.claims().get("committedFirmware");
    boolean same = current != null && current.equals(committed) && fw != null && fw.equals(committedFw);
    String d = "The platform runs committed firmware (current TCB and version equal the committed ones)";
    if (s.allowProvisionalFirmware()) {
      r.pass("policy.snp-provisional-firmware-allowed", "The policy accepts provisional (uncommitted) firmware", same ? "firmware is committed" : "firmware is PROVISIONAL");
    } else {
      r.expect(same, "policy.snp-committed-firmware", d, "current " + fw + " " + current + ", committed " + committedFw + " " + committed);
    }
  }

  private static void guestSvn(PolicyDocument.SevSnp s, VerifiedEvidence v, Rules r) {
    String d = "The guest's security version (GUEST_SVN) is at least " + s.minimumGuestSvn();
    if (s.minimumGuestSvn() == null) {
      r.skip("policy.snp-guest-svn", "The guest's security version meets the policy's minimum", "no minimum set");
    } else {
      Object svn = v.claims().get("guestSvn");
      r.expect(svn instanceof Integer i && i >= s.minimumGuestSvn(), "policy.snp-guest-svn", d, "GUEST_SVN " + svn);
    }
  }

  /** A VLEK report is signed by a key AMD issued to a cloud provider: only providers the policy names may vouch. */
  private static void vlek(PolicyDocument.SevSnp s, VerifiedEvidence v, Rules r) {
    if (!"VLEK".equals(v.claims().get("signingKey"))) return;
    Object csp = v.claims().get("cspId");
    List<String> allowed = s.vlekCspIds();
    r.expect(csp != null && allowed.contains(String.valueOf(csp)), "policy.snp-vlek-csp",
        "The report is signed with a cloud provider's key (VLEK) issued to a provider the policy names",
        allowed.isEmpty() ? "the policy names no cloud provider (sevSnp.vlekCspIds); VLEK evidence fails closed" : "CSP_ID " + csp + ", allowed " + allowed);
  }
}
