package org.secaimed.connector.attest.verify.dcap;

import org.secaimed.connector.io.Digests;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.verify.Bytes;
import org.secaimed.connector.attest.verify.Certificates;
import org.secaimed.connector.attest.verify.Hex;
import org.secaimed.connector.attest.verify.VerificationContext;
import org.secaimed.connector.attest.verify.VerifiedEvidence;

/**
 * Verifies an Intel DCAP quote (TDX or SGX): quote signature, QE report binding and signature,
 * PCK chain to the pinned Intel SGX Root CA, CRLs when given, then collateral (TCB info and QE
 * identity, signed over their raw JSON bytes) to compute the TCB status.
 *
 * <p>Evidence: data = quote; certificates = extra DER certificates (e.g. the TCB signing chain, a
 * PCK chain when the quote does not embed one); collateral = TCB info JSON, QE identity JSON, DER
 * CRLs, or PEM chains. Following Intel's QVL, whether the collateral is still current is reported
 * separately ({@code collateralCurrent}) and judged by the policy, not by the signature checks.
 */
final class DcapQuoteVerifier {
  /** SHA-256 of the Intel SGX Root CA certificate DER (P-256, 2018-05-21..2049-12-31). */
  static final String INTEL_ROOT_SHA256 = "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3";
  static final byte[] INTEL_QE_VENDOR = Hex.parse("939a7233f79c4ca9940a0db3957f0607");

  private DcapQuoteVerifier() {}

  static VerifiedEvidence verify(String format, Evidence evidence, VerificationContext ctx) throws EvidenceFormatException {
    DcapQuote q = DcapQuote.parse(format, evidence.data());
    boolean wantTdx = format.equals(TdxVerifier.FORMAT);
    if (q.tdx() != wantTdx) {
      throw new EvidenceFormatException(format, "header.tee_type", wantTdx ? "an SGX quote was given as tdx" : "a TDX quote was given as sgx");
    }
    Instant at = ctx.at();
    VerifiedEvidence.Builder r = VerifiedEvidence.builder(format);
    claims(q, r);

    PublicKey ak = Ecdsa.p256(q.attestationKey());
    r.expect(ak != null && Ecdsa.verifyP1363(ak, q.signedBytes(), q.signature()), "dcap.quote-signature",
        "The quote is signed by the attestation key of Intel's Quoting Enclave", ak == null ? "attestation key is not a P-256 point" : "signature does not verify");
    byte[] expected = sha256(q.attestationKey(), q.qeAuthData());
    byte[] qeRd = q.qeReport().reportData();
    r.expect(MessageDigest.isEqual(Arrays.copyOf(qeRd, 32), expected) && Bytes.allZero(Arrays.copyOfRange(qeRd, 32, 64)), "dcap.qe-binds-attestation-key",
        "Intel's Quoting Enclave vouches for this attestation key (QE report data = SHA-256(key ‖ auth data))", "QE report data does not match");
    r.expect(Arrays.equals(q.qeVendorId(), INTEL_QE_VENDOR), "dcap.qe-vendor", "The quote was produced by Intel's Quoting Enclave", "QE vendor id " + Hex.of(q.qeVendorId()));

    // Certificates: the PEM chain in the quote (type 5) plus any supplied.
    List<X509Certificate> pool = new ArrayList<>();
    if (q.certDataType() == 5) pool.addAll(Certificates.parsePem(q.certData(), format, "qe_certification_data"));
    pool.addAll(Certificates.parseAll(evidence.certificates(), format));
    List<X509CRL> crls = new ArrayList<>();
    List<SignedJson> tcbInfos = new ArrayList<>();
    List<SignedJson> qeIdentities = new ArrayList<>();
    List<byte[]> collateral = evidence.collateral();
    for (int i = 0; i < collateral.size(); i++) {
      classify(format, "collateral[" + i + "]", collateral.get(i), pool, crls, tcbInfos, qeIdentities);
    }

    X509Certificate root = pool.stream().filter(c -> Certificates.sha256(c).equals(INTEL_ROOT_SHA256)).findFirst().orElse(null);
    PckCertificate pck = null;
    X509Certificate pckCa = null;
    for (X509Certificate c : pool) {
      PckCertificate p = PckCertificate.of(c);
      if (p == null) continue;
      X509Certificate issuer = issuerOf(c, pool);
      if (issuer != null) {
        pck = p;
        pckCa = issuer;
        break;
      }
    }
    boolean chain = root != null && Certificates.selfSigned(root) && pck != null && pckCa != null
        && Certificates.signedBy(pckCa, root.getPublicKey()) && pckCaName(pckCa);
    r.expect(chain, "dcap.pck-chain", "The platform's certificate (PCK) chains to Intel's SGX Root CA (pinned by fingerprint)",
        root == null ? "Intel SGX Root CA (pinned) not present" : pck == null ? "no PCK certificate signed by a supplied CA"
            : "PCK CA is not signed by the Intel SGX Root CA");
    if (!chain) {
      r.skip("dcap.qe-report-signature", "Intel's Quoting Enclave report is signed by the platform's PCK key", "no trusted PCK");
      return r.build();
    }
    boolean valid = Certificates.validAt(pck.certificate(), at) && Certificates.validAt(pckCa, at) && Certificates.validAt(root, at);
    r.expect(valid, "dcap.pck-chain-valid", "The PCK certificate chain is within its validity period at " + at,
        Certificates.describe(pck.certificate()) + " / " + Certificates.describe(pckCa));
    r.expect(Ecdsa.verifyP1363(pck.certificate().getPublicKey(), q.qeReport().raw(), q.qeReportSignature()), "dcap.qe-report-signature",
        "Intel's Quoting Enclave report is signed by the platform's PCK key", "signature does not verify");
    r.claim("fmspc", Hex.of(pck.fmspc()));
    r.claim("pceId", Hex.of(pck.pceId()));

    boolean current = revocation(crls, root, pckCa, pck, at, r);
    IntelQuotingEnclave expectedQe = IntelQuotingEnclave.forQuote(wantTdx);
    r.expect(expectedQe.produced(q.qeReport()), "dcap.qe-is-intel",
        "The quote was signed by Intel's Quoting Enclave " + expectedQe.describe() + ", pinned in code",
        "QE report MRSIGNER " + Hex.of(q.qeReport().mrSigner()) + ", ISVPRODID " + q.qeReport().isvProdId());
    X509Certificate signer = tcbSigner(pool, root);
    String qeStatus = qeIdentity(qeIdentities, q, signer, r, expectedQe);
    if (!qeIdentities.isEmpty()) {
      JsonNode qi = qeIdentities.get(0).body();
      current &= signer != null && Certificates.validAt(signer, at) && notAfter(qi.path("nextUpdate").asText(), at);
      collateralFacts(qi, r);
    }
    String status = tcbInfo(tcbInfos, q, pck, signer, r, wantTdx);
    if (!tcbInfos.isEmpty()) {
      JsonNode t = tcbInfos.get(0).body();
      current &= signer != null && Certificates.validAt(signer, at) && notAfter(t.path("nextUpdate").asText(), at);
      collateralFacts(t, r);
    }
    if (status != null) {
      status = TcbEvaluator.worst(status, qeStatus);
      r.tcbStatus(status);
      r.claim("tcbStatus", status);
    }
    if (!tcbInfos.isEmpty() || !crls.isEmpty() || !qeIdentities.isEmpty()) {
      r.collateralCurrent(current);
      r.claim("collateralCurrent", current);
    }
    return r.build();
  }

  /**
   * CRLs: each must be signed by a CA of this chain and list no certificate of it. Revocation
   * counts as checked only when both Intel CRLs (Root CA → PCK CA, PCK CA → PCK) are present,
   * genuine and current. Returns whether every supplied CRL is current.
   */
  private static boolean revocation(List<X509CRL> crls, X509Certificate root, X509Certificate pckCa, PckCertificate pck, Instant at,
      VerifiedEvidence.Builder r) {
    if (crls.isEmpty()) {
      r.skip("dcap.not-revoked", "No certificate of the chain is revoked by Intel", "no CRL supplied");
      return true;
    }
    boolean current = true;
    boolean rootCrl = false;
    boolean pckCaCrl = false;
    List<String> problems = new ArrayList<>();
    for (X509CRL crl : crls) {
      X509Certificate issuer = crl.getIssuerX500Principal().equals(root.getSubjectX500Principal()) ? root
          : crl.getIssuerX500Principal().equals(pckCa.getSubjectX500Principal()) ? pckCa : null;
      if (issuer == null) {
        problems.add("CRL of '" + Certificates.commonName(crl.getIssuerX500Principal()) + "' is not for this chain");
        continue;
      }
      if (!Certificates.crlSignedBy(crl, issuer.getPublicKey())) {
        problems.add("CRL of '" + Certificates.commonName(issuer.getSubjectX500Principal()) + "' has a bad signature");
        continue;
      }
      boolean fresh = crl.getNextUpdate() != null && !crl.getNextUpdate().before(Date.from(at));
      current &= fresh;
      r.collateralIssued(crl.getThisUpdate().toInstant());
      X509Certificate covered = issuer == root ? pckCa : pck.certificate();
      if (crl.isRevoked(covered)) problems.add("'" + Certificates.commonName(covered.getSubjectX500Principal()) + "' is revoked");
      if (issuer == root) rootCrl |= fresh;
      else pckCaCrl |= fresh;
    }
    r.expect(problems.isEmpty(), "dcap.not-revoked", "No certificate of the chain is revoked by Intel (CRLs checked)", String.join("; ", problems));
    r.revocationChecked(problems.isEmpty() && rootCrl && pckCaCrl);
    return current;
  }

  private static void collateralFacts(JsonNode body, VerifiedEvidence.Builder r) {
    try {
      r.collateralIssued(Instant.parse(body.path("issueDate").asText()));
    } catch (DateTimeParseException e) {
      r.collateralIssued(Instant.EPOCH); // no readable issue date: as old as can be, so an age rule fails closed
    }
    r.tcbEvaluationDataNumber(body.path("tcbEvaluationDataNumber").asInt(0));
  }

  /** TCB info: signature, platform match, level matching (platform and TDX module). Returns the status, or null when none was computed. */
  private static String tcbInfo(List<SignedJson> tcbInfos, DcapQuote q, PckCertificate pck, X509Certificate signer,
      VerifiedEvidence.Builder r, boolean wantTdx) {
    if (tcbInfos.isEmpty()) {
      r.skip("dcap.tcb-info-signature", "Intel's TCB information for this platform is genuine", "no TCB info supplied; TCB status unknown");
      return null;
    }
    if (tcbInfos.size() > 1) {
      r.fail("dcap.tcb-info-unique", "Exactly one TCB information document was supplied", tcbInfos.size() + " supplied; which one counts would be the gateway's choice");
      return null;
    }
    SignedJson ti = tcbInfos.get(0);
    boolean sig = signer != null && Ecdsa.verifyCollateral(signer.getPublicKey(), ti.rawBody(), ti.signature());
    r.expect(sig, "dcap.tcb-info-signature", "Intel's TCB information is signed by Intel's TCB Signing key (chained to the Root CA)",
        signer == null ? "no 'Intel SGX TCB Signing' certificate signed by the Root CA supplied" : "signature over the raw tcbInfo bytes does not verify");
    JsonNode t = ti.body();
    String id = t.path("id").asText(wantTdx ? "" : "SGX");
    boolean matches = id.equals(wantTdx ? "TDX" : "SGX") && Arrays.equals(hexOrEmpty(t.path("fmspc").asText()), pck.fmspc())
        && Arrays.equals(hexOrEmpty(t.path("pceId").asText()), pck.pceId());
    r.expect(matches, "dcap.tcb-info-for-platform", "The TCB information is for this platform (FMSPC and PCE id)",
        "TCB info " + id + " fmspc " + t.path("fmspc").asText() + " vs PCK " + Hex.of(pck.fmspc()));
    if (!sig || !matches) return null;
    TcbEvaluator.Level platform = TcbEvaluator.platform(t, pck, wantTdx ? q.tdBody().teeTcbSvn() : null);
    String status = platform.status();
    r.claim("platformTcbStatus", status);
    if (!platform.advisoryIds().isEmpty()) r.claim("advisoryIds", platform.advisoryIds());
    if (wantTdx) {
      JsonNode module = t.path("tdxModule");
      if (!module.isMissingNode() && !TcbEvaluator.moduleMatches(module, q.tdBody())) {
        r.fail("dcap.tdx-module", "The TDX module is signed by Intel with the expected attributes", "MRSIGNERSEAM/SEAMATTRIBUTES differ from tcbInfo.tdxModule");
      }
      TcbEvaluator.Level mod = TcbEvaluator.tdxModule(t, q.tdBody());
      if (mod != null) {
        r.claim("tdxModuleTcbStatus", mod.status());
        status = TcbEvaluator.worst(status, mod.status());
      }
    }
    r.claim("tcbInfoNextUpdate", t.path("nextUpdate").asText());
    r.claim("tcbInfoIssueDate", t.path("issueDate").asText());
    r.claim("tcbEvaluationDataNumber", t.path("tcbEvaluationDataNumber").asInt(0));
    return status;
  }

  /**
   * QE identity: mandatory whatever else is supplied. Without it nothing judges the Quoting
   * Enclave's attributes and security version, so the quote is not verified.
   */
  private static String qeIdentity(List<SignedJson> qeIdentities, DcapQuote q, X509Certificate signer, VerifiedEvidence.Builder r,
      IntelQuotingEnclave expected) {
    String description = "The Quoting Enclave is Intel's " + expected.identityId
        + " (signer, product id and attributes match Intel's signed QE identity)";
    if (qeIdentities.size() != 1) {
      r.fail("dcap.qe-identity", description, qeIdentities.isEmpty()
          ? "no QE identity supplied: nothing shows the quote was signed by Intel's Quoting Enclave"
          : qeIdentities.size() + " QE identities supplied; exactly one is expected");
      return null;
    }
    SignedJson qi = qeIdentities.get(0);
    boolean sig = signer != null && Ecdsa.verifyCollateral(signer.getPublicKey(), qi.rawBody(), qi.signature());
    r.expect(sig, "dcap.qe-identity-signature", "Intel's Quoting Enclave identity is signed by Intel's TCB Signing key",
        signer == null ? "no 'Intel SGX TCB Signing' certificate signed by the Root CA supplied" : "signature does not verify");
    String id = qi.body().path("id").asText();
    boolean intels = expected.describedBy(qi.body());
    TcbEvaluator.Level level = sig && intels ? TcbEvaluator.qe(qi.body(), q.qeReport()) : null;
    r.expect(level != null, "dcap.qe-identity", description,
        !intels ? "QE identity '" + id + "' is not Intel's " + expected.describe() : "the quote's QE report does not match the QE identity");
    if (level == null) return null;
    r.claim("qeTcbStatus", level.status());
    r.claim("qeIdentityIssueDate", qi.body().path("issueDate").asText());
    return level.status();
  }

  private static void classify(String format, String where, byte[] item, List<X509Certificate> pool, List<X509CRL> crls,
      List<SignedJson> tcbInfos, List<SignedJson> qeIdentities) throws EvidenceFormatException {
    String head = new String(item, 0, Math.min(item.length, 64), StandardCharsets.ISO_8859_1).strip();
    if (head.startsWith("{")) {
      String kind = SignedJson.kind(item);
      if (kind == null) throw new EvidenceFormatException(format, where, "JSON collateral is neither TCB info nor QE identity");
      SignedJson sj = SignedJson.parse(format, where, item, kind);
      (kind.equals("tcbInfo") ? tcbInfos : qeIdentities).add(sj);
    } else if (head.startsWith("-----BEGIN")) {
      pool.addAll(Certificates.parsePem(item, format, where));
    } else {
      try {
        crls.add(Certificates.parseCrl(item, format, where));
      } catch (EvidenceFormatException e) {
        throw new EvidenceFormatException(format, where, "not TCB info, QE identity, a PEM chain or a DER CRL");
      }
    }
  }

  private static X509Certificate issuerOf(X509Certificate c, List<X509Certificate> pool) {
    for (X509Certificate i : pool) {
      if (i != c && i.getSubjectX500Principal().equals(c.getIssuerX500Principal()) && Certificates.signedBy(c, i.getPublicKey())) return i;
    }
    return null;
  }

  private static boolean pckCaName(X509Certificate ca) {
    String cn = Certificates.commonName(ca.getSubjectX500Principal());
    return cn.equals("Intel SGX PCK Platform CA") || cn.equals("Intel SGX PCK Processor CA");
  }

  private static X509Certificate tcbSigner(List<X509Certificate> pool, X509Certificate root) {
    for (X509Certificate c : pool) {
      if (Certificates.commonName(c.getSubjectX500Principal()).equals("Intel SGX TCB Signing") && Certificates.signedBy(c, root.getPublicKey())) return c;
    }
    return null;
  }

  private static boolean notAfter(String iso, Instant at) {
    try {
      return !Instant.parse(iso).isBefore(at);
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static byte[] hexOrEmpty(String h) {
    try {
      return Hex.parse(h);
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }

  private static byte[] sha256(byte[] a, byte[] b) {
    MessageDigest md = Digests.sha256();
    md.update(a);
    md.update(b);
    return md.digest();
  }

  private static void claims(DcapQuote q, VerifiedEvidence.Builder r) {
    r.claim("quoteVersion", q.version());
    r.claim("qeVendorId", Hex.of(q.qeVendorId()));
    if (q.tdx()) {
      TdReport t = q.tdBody();
      r.claim("teeTcbSvn", Hex.of(t.teeTcbSvn()));
      r.claim("mrSeam", Hex.of(t.mrSeam()));
      r.claim("mrSignerSeam", Hex.of(t.mrSignerSeam()));
      r.claim("seamAttributes", Hex.of(t.seamAttributes()));
      r.claim("tdAttributes", Hex.of(t.tdAttributes()));
      r.claim("xfam", Hex.of(t.xfam()));
      r.claim("debug", t.debug());
      r.claim("mrtd", Hex.of(t.mrtd()));
      r.claim("measurement", Hex.of(t.mrtd())); // the primary code measurement, same key for every format
      r.claim("mrConfigId", Hex.of(t.mrConfigId()));
      r.claim("mrOwner", Hex.of(t.mrOwner()));
      r.claim("mrOwnerConfig", Hex.of(t.mrOwnerConfig()));
      r.claim("rtmr0", Hex.of(t.rtmr0()));
      r.claim("rtmr1", Hex.of(t.rtmr1()));
      r.claim("rtmr2", Hex.of(t.rtmr2()));
      r.claim("rtmr3", Hex.of(t.rtmr3()));
      if (t.mrServiceTd() != null) {
        r.claim("teeTcbSvn2", Hex.of(t.teeTcbSvn2()));
        r.claim("mrServiceTd", Hex.of(t.mrServiceTd()));
      }
      r.claim("reportData", Hex.of(t.reportData()));
      r.debug(t.debug());
      r.referenceValue("mrtd", t.mrtd()).referenceValue("rtmr0", t.rtmr0()).referenceValue("rtmr1", t.rtmr1())
          .referenceValue("rtmr2", t.rtmr2()).referenceValue("rtmr3", t.rtmr3()).referenceValue("mrConfigId", t.mrConfigId())
          .referenceValue("mrOwner", t.mrOwner()).referenceValue("mrSeam", t.mrSeam());
      r.reportData(t.reportData());
    } else {
      SgxReport s = q.sgxBody();
      r.claim("mrEnclave", Hex.of(s.mrEnclave()));
      r.claim("measurement", Hex.of(s.mrEnclave())); // the primary code measurement, same key for every format
      r.claim("mrSigner", Hex.of(s.mrSigner()));
      r.claim("isvProdId", s.isvProdId());
      r.claim("isvSvn", s.isvSvn());
      r.claim("attributes", Hex.of(s.attributes()));
      r.claim("debug", s.debug());
      r.claim("miscSelect", s.miscSelect());
      r.claim("cpuSvn", Hex.of(s.cpuSvn()));
      r.claim("reportData", Hex.of(s.reportData()));
      r.debug(s.debug());
      r.referenceValue("mrEnclave", s.mrEnclave()).referenceValue("mrSigner", s.mrSigner());
      r.tcb("isvProdId", s.isvProdId()).tcb("isvSvn", s.isvSvn());
      r.reportData(s.reportData());
    }
    r.claim("qeIsvSvn", q.qeReport().isvSvn());
  }
}
