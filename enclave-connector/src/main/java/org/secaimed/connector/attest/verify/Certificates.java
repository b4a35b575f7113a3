package org.secaimed.connector.attest.verify;

import org.secaimed.connector.io.Digests;
import java.io.ByteArrayInputStream;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.secaimed.connector.attest.EvidenceFormatException;

/** X.509 helpers on JDK crypto (JDK 17 verifies RSASSA-PSS and ECDSA certificate signatures natively). */
public final class Certificates {
  private Certificates() {}

  public static X509Certificate parse(byte[] der, String format, String field) throws EvidenceFormatException {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      var c = cf.generateCertificate(new ByteArrayInputStream(der));
      if (!(c instanceof X509Certificate x)) throw new EvidenceFormatException(format, field, "not an X.509 certificate");
      return x;
    } catch (CertificateException | RuntimeException e) {
      throw new EvidenceFormatException(format, field, "not a DER X.509 certificate");
    }
  }

  public static List<X509Certificate> parseAll(List<byte[]> ders, String format) throws EvidenceFormatException {
    List<X509Certificate> out = new ArrayList<>();
    for (int i = 0; i < ders.size(); i++) out.add(parse(ders.get(i), format, "certificates[" + i + "]"));
    return out;
  }

  /** Parses DER CRLs (e.g. AMD KDS or Intel PCS); anything else is a typed error naming the item. */
  public static List<java.security.cert.X509CRL> parseCrls(List<byte[]> ders, String format) throws EvidenceFormatException {
    List<java.security.cert.X509CRL> out = new ArrayList<>();
    for (int i = 0; i < ders.size(); i++) out.add(parseCrl(ders.get(i), format, "collateral[" + i + "]"));
    return out;
  }

  public static java.security.cert.X509CRL parseCrl(byte[] der, String format, String field) throws EvidenceFormatException {
    try {
      if (CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der)) instanceof java.security.cert.X509CRL crl) return crl;
    } catch (Exception e) {
      // fall through to the typed error
    }
    throw new EvidenceFormatException(format, field, "not a DER CRL");
  }

  /** Parses every certificate in PEM text (in order). */
  public static List<X509Certificate> parsePem(byte[] pem, String format, String field) throws EvidenceFormatException {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      List<X509Certificate> out = new ArrayList<>();
      for (var c : cf.generateCertificates(new ByteArrayInputStream(pem))) out.add((X509Certificate) c);
      if (out.isEmpty()) throw new EvidenceFormatException(format, field, "no certificate in PEM chain");
      return out;
    } catch (CertificateException | RuntimeException e) {
      throw new EvidenceFormatException(format, field, "not a PEM certificate chain");
    }
  }

  public static String sha256(X509Certificate c) {
    try {
      return Digests.sha256Hex(c.getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String spkiSha256(X509Certificate c) {
    return Digests.sha256Hex(c.getPublicKey().getEncoded());
  }

  /** Whether {@code issuerKey} signed {@code c} (successes are memoised by digest: {@link VerifiedSignatures}). */
  public static boolean signedBy(X509Certificate c, PublicKey issuerKey) {
    byte[] der;
    try {
      der = c.getEncoded();
    } catch (Exception e) {
      return false;
    }
    return VerifiedSignatures.check("x509", issuerKey, der, new byte[0], () -> {
      try {
        c.verify(issuerKey);
        return true;
      } catch (Exception e) {
        return false;
      }
    });
  }

  /** Whether {@code issuerKey} signed {@code crl} (memoised like {@link #signedBy}). */
  public static boolean crlSignedBy(java.security.cert.X509CRL crl, PublicKey issuerKey) {
    byte[] der;
    try {
      der = crl.getEncoded();
    } catch (Exception e) {
      return false;
    }
    return VerifiedSignatures.check("crl", issuerKey, der, new byte[0], () -> {
      try {
        crl.verify(issuerKey);
        return true;
      } catch (Exception e) {
        return false;
      }
    });
  }

  public static boolean validAt(X509Certificate c, Instant at) {
    try {
      c.checkValidity(Date.from(at));
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  public static boolean selfSigned(X509Certificate c) {
    return c.getSubjectX500Principal().equals(c.getIssuerX500Principal()) && signedBy(c, c.getPublicKey());
  }

  /** The subject or issuer CN; empty when absent or when the name does not parse strictly (the JDK is more lenient than BC). */
  public static String commonName(X500Principal p) {
    try {
      RDN[] cn = X500Name.getInstance(p.getEncoded()).getRDNs(BCStyle.CN);
      return cn.length == 0 ? "" : IETFUtils.valueToString(cn[0].getFirst().getValue());
    } catch (RuntimeException e) {
      return "";
    }
  }

  public static String describe(X509Certificate c) {
    return "'" + commonName(c.getSubjectX500Principal()) + "' (valid " + c.getNotBefore().toInstant() + " .. " + c.getNotAfter().toInstant() + ")";
  }
}
