package org.secaimed.connector.attest.validate;

import java.util.ArrayList;
import java.util.List;
import org.secaimed.connector.attest.PolicyException;

/**
 * {@code profile: production}: a policy that refuses to load while any rule a deployment needs
 * is left open, so "forgot to pin it" cannot mean "accept anything". Each gap is named.
 */
final class ProductionProfile {
  private ProductionProfile() {}

  static void check(PolicyDocument.Document d) throws PolicyException {
    List<String> gaps = new ArrayList<>();
    if (d.allowInsecureDevEnclave() || d.allows("dev")) gaps.add("allowInsecureDevEnclave/dev: the INSECURE dev enclave is never production");
    if (d.allows("azure-snp-hcl")) {
      gaps.add("allowedFormats: azure-snp-hcl attests only Azure's paravisor (no vTPM quote or PCRs are verified); remove it");
    }
    if (d.azureSnpHcl().allowParavisorOnlyEvidence()) gaps.add("azureSnpHcl.allowParavisorOnlyEvidence must not be true");
    if (!d.requireRevocation()) gaps.add("requireRevocation must be true");
    if (!d.requireCurrentCollateral()) gaps.add("requireCurrentCollateral must be true");
    if (d.maxCollateralAge() == null) gaps.add("maxCollateralAge must be set");
    if (d.allows("sev-snp")) snp(d.sevSnp(), gaps);
    if (d.allows("tdx")) tdx(d, gaps);
    if (d.allows("sgx")) sgx(d, gaps);
    if (d.allows("ear")) ear(d.ear(), gaps);
    if (!gaps.isEmpty()) {
      throw new PolicyException("policy: profile 'production' leaves rules open: " + String.join("; ", gaps));
    }
  }

  private static void snp(PolicyDocument.SevSnp s, List<String> gaps) {
    if (s.measurements().isEmpty()) gaps.add("sevSnp.measurements must be pinned");
    if (s.minimumTcb().isEmpty()) gaps.add("sevSnp.minimumTcb must be set");
    if (s.allowSmt() == null) gaps.add("sevSnp.allowSmt must be decided (true or false)");
    if (s.allowDebug()) gaps.add("sevSnp.allowDebug must be false");
    if (s.allowMigrationAgent()) gaps.add("sevSnp.allowMigrationAgent must be false");
    if (s.allowProvisionalFirmware()) gaps.add("sevSnp.allowProvisionalFirmware must be false");
  }

  private static void tdx(PolicyDocument.Document d, List<String> gaps) {
    PolicyDocument.Tdx t = d.tdx();
    if (t.mrtd().isEmpty()) gaps.add("tdx.mrtd must be pinned");
    if (t.rtmr1().isEmpty() || t.rtmr2().isEmpty()) gaps.add("tdx.rtmr1 and tdx.rtmr2 (kernel, command line/initrd) must be pinned");
    if (t.rtmr3().isEmpty() && t.mrConfigId().isEmpty()) gaps.add("tdx.rtmr3 or tdx.mrConfigId (the workload) must be pinned");
    if (t.xfam() == null) gaps.add("tdx.xfam and tdx.xfamMask must be set");
    if (!t.requireTcbStatus()) gaps.add("tdx.requireTcbStatus must be true");
    if (t.allowDebug()) gaps.add("tdx.allowDebug must be false");
    if (d.minimumTcbEvaluationDataNumber() == null) gaps.add("minimumTcbEvaluationDataNumber must be set for Intel evidence");
  }

  private static void sgx(PolicyDocument.Document d, List<String> gaps) {
    PolicyDocument.Sgx s = d.sgx();
    if (s.mrEnclave().isEmpty() && (s.mrSigner().isEmpty() || s.isvProdId() == null)) {
      gaps.add("sgx.mrEnclave, or sgx.mrSigner with sgx.isvProdId, must be pinned");
    }
    if (s.allowDebug()) gaps.add("sgx.allowDebug must be false");
    if (d.minimumTcbEvaluationDataNumber() == null) gaps.add("minimumTcbEvaluationDataNumber must be set for Intel evidence");
  }

  private static void ear(PolicyDocument.Ear e, List<String> gaps) {
    if (e.verifierKeys().isEmpty()) gaps.add("ear.verifierKeys must be pinned");
    if (e.profiles().isEmpty()) gaps.add("ear.profiles must be named");
    if (e.requiredSubmods().isEmpty()) gaps.add("ear.requiredSubmods must be named");
    if (e.verifierIds().isEmpty()) gaps.add("ear.verifierIds must be pinned");
    if (e.appraisalPolicyIds().isEmpty()) gaps.add("ear.appraisalPolicyIds must be pinned");
  }
}
