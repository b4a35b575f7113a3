package org.secaimed.connector.attest.validate;

import java.util.List;
import org.secaimed.connector.attest.verify.Hex;
import org.secaimed.connector.attest.verify.VerifiedEvidence;

/** Intel TDX and SGX rules over the claims the DCAP verifier produces. */
final class IntelRules {
  private IntelRules() {}

  static void tdx(PolicyDocument.Tdx t, VerifiedEvidence v, Rules r, boolean production) {
    r.debug(v, t.allowDebug(), "The trust domain is not debuggable (TDATTRIBUTES.DEBUG is clear)");
    r.reference(v, "mrtd", t.mrtd(), true, "The initial trust-domain image (MRTD) is an approved one");
    r.reference(v, "rtmr0", t.rtmr0(), false, "The firmware configuration measurement (RTMR0) is an approved one");
    r.reference(v, "rtmr1", t.rtmr1(), production, "The kernel measurement (RTMR1) is an approved one");
    r.reference(v, "rtmr2", t.rtmr2(), production, "The command line / initrd measurement (RTMR2) is an approved one");
    boolean workloadPinned = !t.rtmr3().isEmpty() || !t.mrConfigId().isEmpty();
    r.reference(v, "rtmr3", t.rtmr3(), production && !workloadPinned, "The runtime measurement (RTMR3) is an approved one");
    r.reference(v, "mrConfigId", t.mrConfigId(), false, "The configuration id (MRCONFIGID) is an approved one");
    masked(v, r, "policy.tdx-attributes", "tdAttributes", t.tdAttributes(), t.tdAttributesMask(),
        "The trust domain's attributes (TDATTRIBUTES) match the policy under its mask (default: SEPT_VE_DISABLE set, no other feature bits)");
    if (t.xfam() == null) r.skip("policy.tdx-xfam", "The CPU features the trust domain may use (XFAM) match the policy", "not pinned by the policy");
    else masked(v, r, "policy.tdx-xfam", "xfam", t.xfam(), t.xfamMask(), "The CPU features the trust domain may use (XFAM) match the policy under its mask");
    tcbStatus(v, r, t.acceptedTcbStatuses(), t.requireTcbStatus());
  }

  static void sgx(PolicyDocument.Sgx s, VerifiedEvidence v, Rules r) {
    r.debug(v, s.allowDebug(), "The enclave is not a debug enclave (ATTRIBUTES.DEBUG is clear)");
    if (s.mrEnclave().isEmpty() && s.mrSigner().isEmpty()) {
      r.fail("policy.sgx-identity", "The enclave identity (MRENCLAVE or MRSIGNER) is an approved one", "the policy pins neither MRENCLAVE nor MRSIGNER");
    } else {
      r.reference(v, "mrEnclave", s.mrEnclave(), false, "The enclave code (MRENCLAVE) is an approved one");
      if (!s.mrSigner().isEmpty()) {
        r.reference(v, "mrSigner", s.mrSigner(), false, "The enclave signer (MRSIGNER) is an approved one");
        Integer prod = v.tcb().get("isvProdId");
        Integer svn = v.tcb().get("isvSvn");
        String d = "The enclave product id (ISVPRODID) is the approved one (one signer signs many enclaves)";
        if (s.isvProdId() == null) r.fail("policy.sgx-isv-prod-id", d, "the policy pins MRSIGNER but no isvProdId (fail closed)");
        else r.expect(s.isvProdId().equals(prod), "policy.sgx-isv-prod-id", d, "ISVPRODID " + prod);
        r.expect(svn != null && svn >= s.minIsvSvn(), "policy.sgx-isv-svn", "The enclave security version is at least " + s.minIsvSvn(), "ISVSVN " + svn);
      }
    }
    tcbStatus(v, r, s.acceptedTcbStatuses(), true);
  }

  private static void masked(VerifiedEvidence v, Rules r, String id, String claim, String expectedHex, String maskHex, String description) {
    Object actual = v.claims().get(claim);
    boolean ok = false;
    if (actual instanceof String a) {
      byte[] got = Hex.parse(a);
      byte[] want = Hex.parse(expectedHex);
      byte[] mask = Hex.parse(maskHex);
      ok = got.length == mask.length;
      for (int i = 0; ok && i < mask.length; i++) ok = (got[i] & mask[i]) == (want[i] & mask[i]);
    }
    r.expect(ok, id, description, claim + " " + actual + ", expected " + expectedHex + " under mask " + maskHex);
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
}
