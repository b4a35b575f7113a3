package org.secaimed.connector.attest.collateral;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.verify.Certificates;
import org.secaimed.connector.attest.verify.Hex;
import org.secaimed.connector.attest.verify.dcap.DcapQuote;
import org.secaimed.connector.attest.verify.dcap.PckCertificate;

/**
 * What a DCAP quote needs from Intel PCS v4 ({@code https://api.trustedservices.intel.com}):
 * {@code /{tdx|sgx}/certification/v4/tcb?fmspc=} (TCB info; issuer chain in header
 * {@code TCB-Info-Issuer-Chain}), {@code /{tdx|sgx}/certification/v4/qe/identity} (header
 * {@code SGX-Enclave-Identity-Issuer-Chain}), {@code /sgx/certification/v4/pckcrl?ca=platform|processor&encoding=der}
 * (header {@code SGX-PCK-CRL-Issuer-Chain}), and the Root CA CRL from
 * {@code certificates.trustedservices.intel.com/IntelSGXRootCA.der}. The FMSPC and the PCK CA
 * come from the PCK certificate in the quote (or, when the quote carries none, the gateway's).
 * The issuer chains travel as PEM collateral, so a re-issued TCB signing certificate arrives with
 * the TCB info it signed.
 */
final class IntelPcs {
  static final String TCB_INFO_CHAIN = "TCB-Info-Issuer-Chain";
  static final String QE_IDENTITY_CHAIN = "SGX-Enclave-Identity-Issuer-Chain";
  static final String PCK_CRL_CHAIN = "SGX-PCK-CRL-Issuer-Chain";

  private IntelPcs() {}

  static Evidence resolve(Evidence hint, URI pcs, URI rootCrl, Fetch fetch) throws CollateralException {
    DcapQuote q;
    try {
      q = DcapQuote.parse(hint.format(), hint.data());
    } catch (EvidenceFormatException e) {
      throw new CollateralException(CollateralException.Reason.NOT_FETCHABLE, "intel", "the quote does not parse: " + e.getMessage());
    }
    boolean embedded = q.certDataType() == 5;
    List<X509Certificate> pool = new ArrayList<>();
    try {
      if (embedded) pool.addAll(Certificates.parsePem(q.certData(), hint.format(), "qe_certification_data"));
      else pool.addAll(Certificates.parseAll(hint.certificates(), hint.format()));
    } catch (EvidenceFormatException e) {
      throw new CollateralException(CollateralException.Reason.NOT_FETCHABLE, "intel", "no readable PCK certificate: " + e.getMessage());
    }
    PckCertificate pck = pool.stream().map(PckCertificate::of).filter(java.util.Objects::nonNull).findFirst()
        .orElseThrow(() -> new CollateralException(CollateralException.Reason.NOT_FETCHABLE, "intel",
            "no PCK certificate (with Intel's SGX extension) in the quote" + (embedded ? "" : " or the gateway's certificates")));
    String issuer = Certificates.commonName(pck.certificate().getIssuerX500Principal());
    String ca = issuer.equals("Intel SGX PCK Processor CA") ? "processor" : issuer.equals("Intel SGX PCK Platform CA") ? "platform" : null;
    if (ca == null) throw new CollateralException(CollateralException.Reason.NOT_FETCHABLE, "intel", "PCK issued by unknown CA '" + issuer + "'");
    String tee = q.tdx() ? "tdx" : "sgx";
    String fmspc = Hex.of(pck.fmspc());
    CollateralItem tcb = fetch.get("intel/" + tee + "/tcb-" + fmspc, pcs.resolve("/" + tee + "/certification/v4/tcb?fmspc=" + fmspc),
        CollateralKind.TCB_INFO, TCB_INFO_CHAIN);
    CollateralItem qe = fetch.get("intel/" + tee + "/qe-identity", pcs.resolve("/" + tee + "/certification/v4/qe/identity"),
        CollateralKind.QE_IDENTITY, QE_IDENTITY_CHAIN);
    CollateralItem pckCrl = fetch.get("intel/pckcrl-" + ca, pcs.resolve("/sgx/certification/v4/pckcrl?ca=" + ca + "&encoding=der"),
        CollateralKind.CRL, PCK_CRL_CHAIN);
    CollateralItem rootCrlItem = fetch.get("intel/rootcrl", rootCrl, CollateralKind.CRL, null);
    List<byte[]> collateral = new ArrayList<>();
    for (CollateralItem i : List.of(tcb, qe, pckCrl, rootCrlItem)) {
      collateral.add(i.body());
      i.chain().ifPresent(c -> collateral.add(c.getBytes(StandardCharsets.US_ASCII)));
    }
    return new Evidence(hint.format(), hint.data(), embedded ? List.of() : hint.certificates(), collateral);
  }
}
