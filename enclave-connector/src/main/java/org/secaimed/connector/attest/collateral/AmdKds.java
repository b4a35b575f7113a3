package org.secaimed.connector.attest.collateral;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.verify.Certificates;
import org.secaimed.connector.attest.verify.Hex;
import org.secaimed.connector.attest.verify.snp.AmdCertificate;
import org.secaimed.connector.attest.verify.snp.SnpProduct;
import org.secaimed.connector.attest.verify.snp.SnpReport;
import org.secaimed.connector.attest.verify.snp.TcbVersion;

/**
 * What an SNP report needs from AMD KDS ({@code https://kdsintf.amd.com}, spec 57230 ch. 4):
 * {@code /vcek/v1/{product}/cert_chain} (ASK, ARK; PEM), {@code /vcek/v1/{product}/{hwID}?blSPL=
 * &teeSPL=&snpSPL=&ucodeSPL=} (the VCEK, DER; Turin adds {@code fmcSPL} and an 8-byte hwID) and
 * {@code /vcek/v1/{product}/crl} (DER, signed by the ARK); {@code /vlek/v1/…} for VLEK reports.
 * A VLEK itself is issued to the cloud provider and cannot be fetched: the gateway's copy is used
 * (and verified against the fetched ASVK and the pinned ARK). Same for a VCEK when the report
 * masks CHIP_ID.
 */
final class AmdKds {
  private AmdKds() {}

  static Evidence resolve(Evidence hint, SnpReport rep, URI kds, Fetch fetch) throws CollateralException {
    List<X509Certificate> hinted = parseable(hint.certificates());
    SnpProduct p = product(rep, hinted);
    boolean vlek = rep.signingKey() == 1;
    String family = vlek ? "vlek" : "vcek";
    String base = "amd/" + p.label() + "/" + family;
    URI root = kds.resolve("/" + family + "/v1/" + p.label() + "/");
    CollateralItem chain = fetch.get(base + "/cert_chain", root.resolve("cert_chain"), CollateralKind.CERTIFICATE_CHAIN, null);
    CollateralItem crl = fetch.get(base + "/crl", root.resolve("crl"), CollateralKind.CRL, null);
    List<byte[]> certs = new ArrayList<>();
    if (vlek || rep.chipIdMasked()) {
      // Not fetchable: the gateway's leaf certificates, checked against AMD's chain like any other.
      for (X509Certificate c : hinted) if (c.getPublicKey() instanceof ECPublicKey) certs.add(encoded(c));
    } else {
      certs.add(fetch.get(base + "/" + vcekKey(rep, p), root.resolve(vcekPath(rep, p)), CollateralKind.IMMUTABLE_CERTIFICATE, null).body());
    }
    try {
      for (X509Certificate c : Certificates.parsePem(chain.body(), "collateral", chain.key())) certs.add(c.getEncoded());
    } catch (EvidenceFormatException | java.security.cert.CertificateEncodingException e) {
      throw new CollateralException(CollateralException.Reason.BAD_RESPONSE, chain.key(), "stored chain does not parse");
    }
    return new Evidence(hint.format(), hint.data(), certs, List.of(crl.body()));
  }

  /** {@code {hwID hex}?blSPL=..&teeSPL=..&snpSPL=..&ucodeSPL=..} (Turin: 8-byte hwID, fmcSPL first). */
  static String vcekPath(SnpReport rep, SnpProduct p) {
    TcbVersion tcb = new TcbVersion(rep.reportedTcb(), p);
    byte[] chip = p.turinLayout() ? java.util.Arrays.copyOf(rep.chipId(), 8) : rep.chipId();
    String spl = "blSPL=" + tcb.bootLoader() + "&teeSPL=" + tcb.tee() + "&snpSPL=" + tcb.snp() + "&ucodeSPL=" + tcb.microcode();
    return Hex.of(chip) + "?" + (p.turinLayout() ? "fmcSPL=" + tcb.fmc() + "&" : "") + spl;
  }

  /** The store key of one chip's VCEK at one TCB: {@code {hwID hex}/bl2-tee0-snp5-ucode68} (Turin: {@code fmc..-} first). */
  static String vcekKey(SnpReport rep, SnpProduct p) {
    TcbVersion tcb = new TcbVersion(rep.reportedTcb(), p);
    byte[] chip = p.turinLayout() ? java.util.Arrays.copyOf(rep.chipId(), 8) : rep.chipId();
    return Hex.of(chip) + "/" + (p.turinLayout() ? "fmc" + tcb.fmc() + "-" : "") + "bl" + tcb.bootLoader() + "-tee" + tcb.tee()
        + "-snp" + tcb.snp() + "-ucode" + tcb.microcode();
  }

  /** From CPUID (reports v3+), else from the product named by the gateway's certificates (then verified against that product's pinned ARK). */
  static SnpProduct product(SnpReport rep, List<X509Certificate> hinted) throws CollateralException {
    if (rep.cpuidFamily() != 0) {
      Optional<SnpProduct> p = SnpProduct.fromCpuid(rep.cpuidFamily(), rep.cpuidModel());
      if (p.isPresent()) return p.get();
    }
    for (X509Certificate c : hinted) {
      Optional<SnpProduct> n = new AmdCertificate(c).productName().flatMap(SnpProduct::fromName);
      if (n.isEmpty()) n = SnpProduct.fromName(Certificates.commonName(c.getSubjectX500Principal()));
      if (n.isPresent()) return n.get();
    }
    throw new CollateralException(CollateralException.Reason.NOT_FETCHABLE, "amd",
        "the report (version " + rep.version() + ") names no known product line (CPUID) and the gateway's certificates name none either");
  }

  private static List<X509Certificate> parseable(List<byte[]> ders) {
    List<X509Certificate> out = new ArrayList<>();
    for (byte[] d : ders) {
      try {
        out.add(Certificates.parse(d, "collateral", "hint"));
      } catch (EvidenceFormatException e) {
        // a hint that does not parse is no hint
      }
    }
    return out;
  }

  private static byte[] encoded(X509Certificate c) throws CollateralException {
    try {
      return c.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new CollateralException(CollateralException.Reason.BAD_RESPONSE, "amd", "gateway certificate cannot be encoded");
    }
  }
}
