package org.secaimed.connector.attest.verify.snp;

import java.math.BigInteger;
import java.security.Signature;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.secaimed.connector.attest.verify.Certificates;
import org.secaimed.connector.attest.verify.Hex;
import org.secaimed.connector.attest.verify.VerifiedEvidence;

/**
 * Verifies an SNP report against a certificate bundle in any order: pinned ARK → ASK/ASVK →
 * VCEK/VLEK, the VCEK chosen by REPORTED_TCB and CHIP_ID, then the report signature. Shared by
 * the plain {@code sev-snp} and the Azure HCL-wrapped formats.
 */
final class SnpReportVerifier {
  private static final Map<String, String> SPL_EXTENSIONS = splExtensions();

  private SnpReportVerifier() {}

  static void verify(SnpReport rep, List<X509Certificate> bundle, List<X509CRL> crls, Instant at, ArkPins arks, VerifiedEvidence.Builder r) {
    if (!r.expect(rep.signatureAlgo() == 1, "snp.signature-algorithm", "The report uses AMD's ECDSA P-384 signature scheme",
        "SIGNATURE_ALGO is " + rep.signatureAlgo())) {
      return;
    }
    boolean vlek = rep.signingKey() == 1;
    if (!r.expect(rep.signingKey() == 0 || vlek, "snp.signing-key-type", "The report is signed by a chip key (VCEK) or a cloud key (VLEK)",
        "SIGNING_KEY is " + rep.signingKey() + " (7 = unsigned)")) {
      return;
    }
    Optional<SnpProduct> product = identifyProduct(rep, bundle, r);
    if (product.isEmpty()) return;
    SnpProduct p = product.get();
    TcbVersion reported = new TcbVersion(rep.reportedTcb(), p);
    claims(rep, p, reported, r);

    X509Certificate ark = bundle.stream().filter(c -> Certificates.sha256(c).equals(arks.arkSha256(p))).findFirst().orElse(null);
    if (!r.expect(ark != null && Certificates.selfSigned(ark), "snp.ark-pinned",
        "The chain ends in AMD's root key for " + p.label() + " (ARK, pinned by fingerprint)",
        ark == null ? "no certificate with the pinned ARK-" + p.label() + " fingerprint; supply AMD KDS's cert_chain" : "ARK self-signature does not verify")) {
      skipRest(r, "no trusted AMD root");
      return;
    }
    r.expect(Certificates.validAt(ark, at), "snp.ark-valid", "AMD's root certificate is within its validity period", Certificates.describe(ark));

    String interCn = (vlek ? "SEV-VLEK-" : "SEV-") + p.label();
    X509Certificate inter = bundle.stream()
        .filter(c -> Certificates.commonName(c.getSubjectX500Principal()).equals(interCn))
        .filter(c -> Certificates.signedBy(c, ark.getPublicKey())).findFirst().orElse(null);
    String interName = vlek ? "ASVK" : "ASK";
    if (!r.expect(inter != null, "snp.ask-signed-by-ark", "AMD's signing key (" + interName + " '" + interCn + "') is certified by the ARK",
        "no certificate '" + interCn + "' signed by ARK-" + p.label() + " in the bundle")) {
      skipRest(r, "no trusted " + interName);
      return;
    }
    r.expect(Certificates.validAt(inter, at), "snp.ask-valid", "AMD's " + interName + " certificate is valid at " + at, Certificates.describe(inter));
    revocation(crls, ark, inter, interName, at, r);

    List<X509Certificate> leaves = new ArrayList<>();
    for (X509Certificate c : bundle) {
      if (c.getPublicKey() instanceof ECPublicKey && !c.equals(ark) && !c.equals(inter)) leaves.add(c);
    }
    String leafName = vlek ? "VLEK" : "VCEK";
    List<X509Certificate> signed = leaves.stream().filter(c -> Certificates.signedBy(c, inter.getPublicKey())).toList();
    if (!r.expect(!signed.isEmpty(), "snp.vcek-signed-by-ask", "The " + (vlek ? "cloud provider's key (VLEK)" : "chip's key (VCEK)")
        + " is certified by AMD's " + interName,
        leaves.isEmpty() ? "no EC P-384 " + leafName + " certificate in the bundle" : "no " + leafName + " in the bundle is signed by " + interCn)) {
      skipRest(r, "no trusted " + leafName);
      return;
    }
    // Several VCEKs may be supplied (one per TCB): use the one issued for REPORTED_TCB and this chip.
    X509Certificate leaf = signed.stream()
        .filter(c -> tcbMismatches(new AmdCertificate(c), reported).isEmpty() && (vlek || chipMatches(new AmdCertificate(c), rep, p)))
        .findFirst().orElse(signed.get(0));
    AmdCertificate amd = new AmdCertificate(leaf);
    r.expect(Certificates.validAt(leaf, at), "snp.vcek-valid", "The " + leafName + " certificate is valid at " + at, Certificates.describe(leaf));
    amd.productName().flatMap(SnpProduct::fromName).ifPresent(named ->
        r.expect(named == p, "snp.vcek-product", "The " + leafName + " was issued for the same product line as the report", "certificate says " + named.label()));
    if (vlek) {
      amd.cspId().ifPresent(csp -> r.claim("cspId", csp));
      r.expect(amd.cspId().isPresent(), "snp.vlek-csp-id", "The VLEK names the cloud provider it was issued to (CSP_ID)", "CSP_ID extension missing");
    } else {
      r.expect(chipMatches(amd, rep, p), "snp.chip-id", "The VCEK belongs to the chip that produced the report (hwID = CHIP_ID)",
          rep.chipIdMasked() ? "the report masks CHIP_ID" : "hwID differs from CHIP_ID");
    }
    List<String> mismatches = tcbMismatches(amd, reported);
    r.expect(mismatches.isEmpty(), "snp.reported-tcb-matches-key",
        "The " + leafName + " was issued for the firmware versions the report states (REPORTED_TCB)", String.join(", ", mismatches));
    r.expect(verifySignature(rep, leaf), "snp.report-signature", "The report is signed by the " + leafName + " (ECDSA P-384)",
        "signature does not verify");
  }

  /**
   * AMD KDS CRLs (signed by the ARK) list revoked ASKs/ASVKs; when supplied they must be genuine
   * and not list ours. Revocation counts as checked only with a genuine CRL that is current.
   */
  private static void revocation(List<X509CRL> crls, X509Certificate ark, X509Certificate inter, String interName, Instant at,
      VerifiedEvidence.Builder r) {
    if (crls.isEmpty()) {
      r.skip("snp.not-revoked", "AMD has not revoked the " + interName, "no CRL supplied");
      return;
    }
    List<String> problems = new ArrayList<>();
    boolean current = true;
    for (X509CRL crl : crls) {
      if (!Certificates.crlSignedBy(crl, ark.getPublicKey())) {
        problems.add("a CRL is not signed by the ARK");
        continue;
      }
      if (crl.getNextUpdate() == null || crl.getNextUpdate().toInstant().isBefore(at)) current = false;
      r.collateralIssued(crl.getThisUpdate().toInstant());
      if (crl.isRevoked(inter)) problems.add("the " + interName + " is revoked");
    }
    r.expect(problems.isEmpty(), "snp.not-revoked", "AMD has not revoked the " + interName + " (CRL signed by the ARK checked)",
        String.join("; ", problems));
    r.revocationChecked(problems.isEmpty() && current);
    r.collateralCurrent(current);
    r.claim("collateralCurrent", current);
  }

  private static Optional<SnpProduct> identifyProduct(SnpReport rep, List<X509Certificate> bundle, VerifiedEvidence.Builder r) {
    Optional<SnpProduct> cpuid = rep.cpuidFamily() == 0 ? Optional.empty() : SnpProduct.fromCpuid(rep.cpuidFamily(), rep.cpuidModel());
    Optional<SnpProduct> named = Optional.empty();
    for (X509Certificate c : bundle) {
      Optional<SnpProduct> n = new AmdCertificate(c).productName().flatMap(SnpProduct::fromName);
      if (n.isEmpty()) {
        String cn = Certificates.commonName(c.getSubjectX500Principal());
        if (cn.startsWith("SEV-")) n = SnpProduct.fromName(cn);
      }
      if (n.isPresent()) {
        named = n;
        break;
      }
    }
    if (cpuid.isPresent() && named.isPresent() && cpuid.get() != named.get()) {
      r.fail("snp.product", "The AMD product line (Milan, Genoa, Turin) is identified consistently",
          "CPUID says " + cpuid.get().label() + ", certificates say " + named.get().label());
      return Optional.empty();
    }
    Optional<SnpProduct> p = cpuid.isPresent() ? cpuid : named;
    if (p.isEmpty()) {
      r.fail("snp.product", "The AMD product line (Milan, Genoa, Turin) is identified", "neither CPUID (v3+) nor the certificates name a known product");
    } else {
      r.pass("snp.product", "The AMD product line is identified", p.get().label() + (cpuid.isPresent() ? " (from CPUID)" : " (from certificates)"));
    }
    return p;
  }

  private static boolean chipMatches(AmdCertificate amd, SnpReport rep, SnpProduct p) {
    if (rep.chipIdMasked()) return false;
    byte[] hw = amd.hwId().orElse(null);
    if (hw == null || Arrays.equals(hw, new byte[hw.length])) return false;
    byte[] chip = p.turinLayout() ? Arrays.copyOf(rep.chipId(), 8) : rep.chipId();
    return java.security.MessageDigest.isEqual(hw, chip);
  }

  private static List<String> tcbMismatches(AmdCertificate amd, TcbVersion reported) {
    List<String> out = new ArrayList<>();
    reported.components().forEach((name, value) -> {
      Optional<Integer> spl = amd.spl(SPL_EXTENSIONS.get(name));
      if (spl.isEmpty()) out.add(name + " SPL missing in certificate");
      else if (spl.get().intValue() != value) out.add(name + ": certificate " + spl.get() + ", report " + value);
    });
    return out;
  }

  private static boolean verifySignature(SnpReport rep, X509Certificate leaf) {
    try {
      ASN1EncodableVector v = new ASN1EncodableVector();
      v.add(new ASN1Integer(new BigInteger(1, rep.signatureR())));
      v.add(new ASN1Integer(new BigInteger(1, rep.signatureS())));
      Signature s = Signature.getInstance("SHA384withECDSA");
      s.initVerify(leaf.getPublicKey());
      s.update(rep.signedBytes());
      return s.verify(new DERSequence(v).getEncoded());
    } catch (Exception e) {
      return false;
    }
  }

  private static void skipRest(VerifiedEvidence.Builder r, String why) {
    r.skip("snp.report-signature", "The report is signed by the chip key", why);
  }

  private static void claims(SnpReport rep, SnpProduct p, TcbVersion reported, VerifiedEvidence.Builder r) {
    r.claim("version", rep.version());
    r.claim("product", p.label());
    r.claim("signingKey", rep.signingKey() == 1 ? "VLEK" : "VCEK");
    r.claim("policy", "0x" + Long.toHexString(rep.policy()));
    r.claim("debugAllowed", rep.debugAllowed());
    r.claim("migrationAgentAllowed", rep.migrationAgentAllowed());
    r.claim("smtAllowed", rep.smtAllowed());
    r.claim("singleSocket", rep.singleSocketRequired());
    r.claim("vmpl", rep.vmpl());
    r.claim("guestSvn", rep.guestSvn());
    r.claim("measurement", Hex.of(rep.measurement()));
    r.claim("hostData", Hex.of(rep.hostData()));
    r.claim("idKeyDigest", Hex.of(rep.idKeyDigest()));
    r.claim("authorKeyDigest", Hex.of(rep.authorKeyDigest()));
    r.claim("familyId", Hex.of(rep.familyId()));
    r.claim("imageId", Hex.of(rep.imageId()));
    r.claim("reportData", Hex.of(rep.reportData()));
    r.claim("chipId", Hex.of(rep.chipId()));
    r.claim("reportedTcb", reported.components());
    r.claim("currentTcb", new TcbVersion(rep.currentTcb(), p).components());
    r.claim("committedTcb", new TcbVersion(rep.committedTcb(), p).components());
    r.claim("launchTcb", new TcbVersion(rep.launchTcb(), p).components());
    r.claim("firmware", rep.currentMajor() + "." + rep.currentMinor() + "." + rep.currentBuild());
    r.claim("committedFirmware", rep.committedMajor() + "." + rep.committedMinor() + "." + rep.committedBuild());
    r.claim("platformInfo", "0x" + Long.toHexString(rep.platformInfo()));
    if (rep.version() >= 3) r.claim("cpuid", Map.of("family", rep.cpuidFamily(), "model", rep.cpuidModel(), "stepping", rep.cpuidStepping()));
    r.debug(rep.debugAllowed());
    r.referenceValue("measurement", rep.measurement());
    r.referenceValue("hostData", rep.hostData());
    r.referenceValue("idKeyDigest", rep.idKeyDigest());
    r.referenceValue("familyId", rep.familyId());
    r.referenceValue("imageId", rep.imageId());
    reported.components().forEach(r::tcb);
  }

  private static Map<String, String> splExtensions() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("bootLoader", "1");
    m.put("tee", "2");
    m.put("snp", "3");
    m.put("microcode", "8");
    m.put("fmc", "9");
    return m;
  }
}
