package org.secaimed.connector.attest.validate;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.secaimed.connector.attest.PolicyException;
import org.secaimed.connector.attest.verify.Hex;
import org.secaimed.connector.seal.HpkeSuite;

/** The policy YAML as records (docs/policy.md); defaults are the fail-closed ones. */
public final class PolicyDocument {
  private PolicyDocument() {}

  static final Set<String> FORMATS = Set.of("sev-snp", "azure-snp-hcl", "tdx", "sgx", "ear", "composite", "dev");
  static final Set<String> TCB_COMPONENTS = Set.of("bootLoader", "tee", "snp", "microcode", "fmc");
  /** TDATTRIBUTES bit 28: EPT violations are not converted to #VE, so the host cannot steer the guest's page handling. */
  static final String TD_ATTRIBUTES_SEPT_VE_DISABLE = "0000001000000000";
  /** Every TDATTRIBUTES bit except DEBUG (bit 0), which {@code allowDebug} judges on its own. */
  static final String TD_ATTRIBUTES_ALL_BUT_DEBUG = "feffffffffffffff";

  /** The top-level policy document. */
  public record Document(
      @JsonProperty(required = true) Integer policyVersion,
      String name,
      String profile,
      List<String> allowedFormats,
      Boolean allowInsecureDevEnclave,
      List<String> allowedKemSuites,
      Duration maxEvidenceAge,
      Boolean requireCurrentCollateral,
      Boolean requireRevocation,
      Integer minimumTcbEvaluationDataNumber,
      Duration maxCollateralAge,
      Duration staleCollateralGrace,
      SevSnp sevSnp,
      AzureSnpHcl azureSnpHcl,
      Tdx tdx,
      Sgx sgx,
      Ear ear,
      Dev dev) {
    public Document {
      name = name == null ? "unnamed" : name;
      profile = profile == null ? "standard" : profile;
      allowedFormats = allowedFormats == null ? List.of() : List.copyOf(allowedFormats);
      allowInsecureDevEnclave = allowInsecureDevEnclave != null && allowInsecureDevEnclave;
      allowedKemSuites = allowedKemSuites == null ? List.of(HpkeSuite.XWING.label()) : List.copyOf(allowedKemSuites);
      maxEvidenceAge = maxEvidenceAge == null ? Duration.ofMinutes(10) : maxEvidenceAge;
      requireCurrentCollateral = requireCurrentCollateral == null || requireCurrentCollateral;
      requireRevocation = requireRevocation == null || requireRevocation;
      staleCollateralGrace = staleCollateralGrace == null ? Duration.ZERO : staleCollateralGrace;
      sevSnp = sevSnp == null ? new SevSnp(null, null, null, null, null, null, null, null, null, null, null, null, null, null) : sevSnp;
      azureSnpHcl = azureSnpHcl == null ? new AzureSnpHcl(null) : azureSnpHcl;
      tdx = tdx == null ? new Tdx(null, null, null, null, null, null, null, null, null, null, null, null, null) : tdx;
      sgx = sgx == null ? new Sgx(null, null, null, null, null, null) : sgx;
      ear = ear == null ? new Ear(null, null, null, null, null) : ear;
      dev = dev == null ? new Dev(null, null) : dev;
    }

    public boolean production() {
      return "production".equals(profile);
    }

    /** Whether evidence of this format can reach the validator (listed itself, or as a composite part). */
    public boolean allows(String format) {
      return allowedFormats.contains(format);
    }

    void check() throws PolicyException {
      if (policyVersion == null || policyVersion != Policy.SUPPORTED_VERSION) {
        throw new PolicyException("policy: policyVersion must be " + Policy.SUPPORTED_VERSION + " (is " + policyVersion + ")");
      }
      if (!Set.of("standard", "production").contains(profile)) {
        throw new PolicyException("policy: profile must be 'production' or 'standard' (is '" + profile + "')");
      }
      for (String f : allowedFormats) {
        if (!FORMATS.contains(f)) throw new PolicyException("policy: allowedFormats: unknown format '" + f + "'");
      }
      if (allowedFormats.contains("dev") && !allowInsecureDevEnclave) {
        throw new PolicyException("policy: allowedFormats lists 'dev' but allowInsecureDevEnclave is not true");
      }
      if (allowedKemSuites.isEmpty()) throw new PolicyException("policy: allowedKemSuites is empty; no enclave key could be used");
      List<String> known = java.util.Arrays.stream(HpkeSuite.values()).map(HpkeSuite::label).toList();
      for (String s : allowedKemSuites) {
        if (!known.contains(s)) throw new PolicyException("policy: allowedKemSuites: unknown suite '" + s + "'; known: " + known);
      }
      positive("maxEvidenceAge", maxEvidenceAge);
      if (maxCollateralAge != null) positive("maxCollateralAge", maxCollateralAge);
      if (staleCollateralGrace.isNegative()) throw new PolicyException("policy: staleCollateralGrace must not be negative");
      if (minimumTcbEvaluationDataNumber != null && minimumTcbEvaluationDataNumber < 1) {
        throw new PolicyException("policy: minimumTcbEvaluationDataNumber must be at least 1");
      }
      hexList("sevSnp.measurements", sevSnp.measurements(), 48);
      hexList("sevSnp.hostData", sevSnp.hostData(), 32);
      hexList("sevSnp.idKeyDigests", sevSnp.idKeyDigests(), 48);
      for (String p : sevSnp.products()) {
        if (!Set.of("Milan", "Genoa", "Turin").contains(p)) throw new PolicyException("policy: sevSnp.products: unknown product '" + p + "'");
      }
      components("sevSnp.minimumTcb", sevSnp.minimumTcb());
      components("sevSnp.minimumLaunchTcb", sevSnp.minimumLaunchTcb());
      hexList("tdx.mrtd", tdx.mrtd(), 48);
      hexList("tdx.rtmr0", tdx.rtmr0(), 48);
      hexList("tdx.rtmr1", tdx.rtmr1(), 48);
      hexList("tdx.rtmr2", tdx.rtmr2(), 48);
      hexList("tdx.rtmr3", tdx.rtmr3(), 48);
      hexList("tdx.mrConfigId", tdx.mrConfigId(), 48);
      hexList("tdx.tdAttributes", List.of(tdx.tdAttributes(), tdx.tdAttributesMask()), 8);
      if (tdx.xfam() != null || tdx.xfamMask() != null) {
        if (tdx.xfam() == null || tdx.xfamMask() == null) throw new PolicyException("policy: tdx.xfam and tdx.xfamMask go together");
        hexList("tdx.xfam", List.of(tdx.xfam(), tdx.xfamMask()), 8);
      }
      hexList("sgx.mrEnclave", sgx.mrEnclave(), 32);
      hexList("sgx.mrSigner", sgx.mrSigner(), 32);
      hexList("dev.measurements", dev.measurements(), 32);
      statuses("tdx.acceptedTcbStatuses", tdx.acceptedTcbStatuses());
      statuses("sgx.acceptedTcbStatuses", sgx.acceptedTcbStatuses());
      for (int i = 0; i < ear.verifierIds().size(); i++) {
        String d = ear.verifierIds().get(i).developer();
        if (d == null || d.isBlank()) throw new PolicyException("policy: ear.verifierIds[" + i + "].developer is required");
      }
      if (production()) ProductionProfile.check(this);
    }

    private static void positive(String field, Duration d) throws PolicyException {
      if (d.isNegative() || d.isZero()) throw new PolicyException("policy: " + field + " must be positive");
    }

    private static void components(String field, Map<String, Integer> m) throws PolicyException {
      for (String k : m.keySet()) {
        if (!TCB_COMPONENTS.contains(k)) throw new PolicyException("policy: " + field + ": unknown component '" + k + "'");
      }
    }

    private static void hexList(String field, List<String> values, int length) throws PolicyException {
      for (int i = 0; i < values.size(); i++) {
        byte[] b;
        try {
          b = Hex.parse(values.get(i));
        } catch (IllegalArgumentException e) {
          throw new PolicyException("policy: " + field + "[" + i + "]: not hex");
        }
        if (b.length != length) throw new PolicyException("policy: " + field + "[" + i + "]: must be " + length + " bytes, is " + b.length);
      }
    }

    private static void statuses(String field, List<String> values) throws PolicyException {
      for (String s : values) {
        if (!TcbStatuses.KNOWN.contains(s)) throw new PolicyException("policy: " + field + ": unknown TCB status '" + s + "'; known: " + TcbStatuses.KNOWN);
      }
    }
  }

  /** AMD SEV-SNP rules. {@code allowSmt} null = not judged (a production profile must decide). */
  public record SevSnp(List<String> products, List<String> measurements, List<String> hostData, List<String> idKeyDigests,
      Boolean allowDebug, Boolean allowMigrationAgent, List<Integer> vmpl, Map<String, Integer> minimumTcb,
      Boolean allowSmt, Boolean requireSingleSocket, Map<String, Integer> minimumLaunchTcb, Boolean allowProvisionalFirmware,
      List<String> vlekCspIds, Integer minimumGuestSvn) {
    public SevSnp {
      products = products == null ? List.of("Milan", "Genoa", "Turin") : List.copyOf(products);
      measurements = lower(measurements);
      hostData = lower(hostData);
      idKeyDigests = lower(idKeyDigests);
      allowDebug = allowDebug != null && allowDebug;
      allowMigrationAgent = allowMigrationAgent != null && allowMigrationAgent;
      vmpl = vmpl == null ? List.of(0) : List.copyOf(vmpl);
      minimumTcb = minimumTcb == null ? Map.of() : Map.copyOf(minimumTcb);
      requireSingleSocket = requireSingleSocket != null && requireSingleSocket;
      minimumLaunchTcb = minimumLaunchTcb == null ? Map.of() : Map.copyOf(minimumLaunchTcb);
      allowProvisionalFirmware = allowProvisionalFirmware != null && allowProvisionalFirmware;
      vlekCspIds = vlekCspIds == null ? List.of() : List.copyOf(vlekCspIds);
    }
  }

  /**
   * Azure CVM evidence (SNP report requested by the HCL paravisor). The report attests Azure's
   * paravisor only; the guest code is measured into the vTPM, whose quote this project does not
   * verify yet. So the format is refused unless a (non-production) policy opts into that.
   */
  public record AzureSnpHcl(Boolean allowParavisorOnlyEvidence) {
    public AzureSnpHcl {
      allowParavisorOnlyEvidence = allowParavisorOnlyEvidence != null && allowParavisorOnlyEvidence;
    }
  }

  /** Intel TDX rules; TD attributes are matched under a mask (default: SEPT_VE_DISABLE set, every other non-debug bit clear). */
  public record Tdx(List<String> mrtd, List<String> rtmr0, List<String> rtmr1, List<String> rtmr2, List<String> rtmr3,
      List<String> mrConfigId, Boolean allowDebug, List<String> acceptedTcbStatuses, Boolean requireTcbStatus,
      String tdAttributes, String tdAttributesMask, String xfam, String xfamMask) {
    public Tdx {
      mrtd = lower(mrtd);
      rtmr0 = lower(rtmr0);
      rtmr1 = lower(rtmr1);
      rtmr2 = lower(rtmr2);
      rtmr3 = lower(rtmr3);
      mrConfigId = lower(mrConfigId);
      allowDebug = allowDebug != null && allowDebug;
      acceptedTcbStatuses = acceptedTcbStatuses == null ? List.of("UpToDate") : List.copyOf(acceptedTcbStatuses);
      requireTcbStatus = requireTcbStatus == null || requireTcbStatus;
      tdAttributes = tdAttributes == null ? TD_ATTRIBUTES_SEPT_VE_DISABLE : lower(tdAttributes);
      tdAttributesMask = tdAttributesMask == null ? TD_ATTRIBUTES_ALL_BUT_DEBUG : lower(tdAttributesMask);
      xfam = xfam == null ? null : lower(xfam);
      xfamMask = xfamMask == null ? null : lower(xfamMask);
    }
  }

  /** Intel SGX rules: MRENCLAVE, or MRSIGNER with product id (mandatory) and minimum SVN. */
  public record Sgx(List<String> mrEnclave, List<String> mrSigner, Integer isvProdId, Integer minIsvSvn, Boolean allowDebug,
      List<String> acceptedTcbStatuses) {
    public Sgx {
      mrEnclave = lower(mrEnclave);
      mrSigner = lower(mrSigner);
      minIsvSvn = minIsvSvn == null ? 0 : minIsvSvn;
      allowDebug = allowDebug != null && allowDebug;
      acceptedTcbStatuses = acceptedTcbStatuses == null ? List.of("UpToDate") : List.copyOf(acceptedTcbStatuses);
    }
  }

  /** Attestation-result (EAR/JWT) rules: pinned verifier keys and identity, accepted profiles and appraisal policies, required submods. */
  public record Ear(List<JsonNode> verifierKeys, List<String> profiles, List<String> requiredSubmods, List<VerifierId> verifierIds,
      List<String> appraisalPolicyIds) {
    public Ear {
      verifierKeys = verifierKeys == null ? List.of() : List.copyOf(verifierKeys);
      profiles = profiles == null ? List.of() : List.copyOf(profiles);
      requiredSubmods = requiredSubmods == null ? List.of() : List.copyOf(requiredSubmods);
      verifierIds = verifierIds == null ? List.of() : List.copyOf(verifierIds);
      appraisalPolicyIds = appraisalPolicyIds == null ? List.of() : List.copyOf(appraisalPolicyIds);
    }
  }

  /** An {@code ear.verifier-id}: the developer must match; the build too when given. */
  public record VerifierId(String developer, String build) {}

  /** Dev enclave rules (only reachable when allowInsecureDevEnclave is true). */
  public record Dev(List<String> measurements, Boolean acceptAnyMeasurement) {
    public Dev {
      measurements = lower(measurements);
      acceptAnyMeasurement = acceptAnyMeasurement != null && acceptAnyMeasurement;
    }
  }

  static List<String> lower(List<String> values) {
    if (values == null) return List.of();
    List<String> out = new ArrayList<>();
    for (String v : values) out.add(lower(v));
    return List.copyOf(out);
  }

  static String lower(String v) {
    String s = v == null ? "" : v.strip().toLowerCase(Locale.ROOT);
    return s.startsWith("0x") ? s.substring(2) : s;
  }
}
