package org.secaimed.connector.attest.verify.snp;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;

/**
 * Reads AMD's VCEK/VLEK extensions (OID arc 1.3.6.1.4.1.3704.1): product name, SPLs, hwID and
 * CSP_ID. Each extension value is DER inside the X.509 OCTET STRING wrapper; one real VCEK wraps
 * hwID twice, so OCTET STRINGs are unwrapped until the raw bytes appear.
 */
public final class AmdCertificate {
  static final String ARC = "1.3.6.1.4.1.3704.1.";
  private final X509Certificate cert;

  public AmdCertificate(X509Certificate cert) {
    this.cert = cert;
  }

  public X509Certificate certificate() {
    return cert;
  }

  public Optional<String> productName() {
    return value("2").map(v -> v instanceof ASN1String s ? s.getString() : null);
  }

  public Optional<Integer> spl(String sub) {
    return value("3." + sub).map(v -> v instanceof ASN1Integer i ? small(i.getValue()) : null);
  }

  public Optional<byte[]> hwId() {
    return value("4").map(v -> v instanceof ASN1OctetString o ? unwrap(o.getOctets()) : null);
  }

  public Optional<String> cspId() {
    return value("5").map(v -> v instanceof ASN1String s ? s.getString() : null);
  }

  private static Integer small(BigInteger v) {
    return v.signum() >= 0 && v.bitLength() < 31 ? v.intValue() : null;
  }

  private static byte[] unwrap(byte[] b) {
    if (b.length == 64 || b.length == 8) return b;
    try {
      ASN1Primitive inner = ASN1Primitive.fromByteArray(b);
      if (inner instanceof ASN1OctetString o) return o.getOctets();
    } catch (Exception e) {
      // not nested: the bytes are the value
    }
    return b;
  }

  private Optional<ASN1Encodable> value(String sub) {
    byte[] ext = cert.getExtensionValue(ARC + sub);
    if (ext == null) return Optional.empty();
    try {
      ASN1OctetString wrapper = ASN1OctetString.getInstance(ext);
      byte[] inner = wrapper.getOctets();
      try {
        return Optional.of(ASN1Primitive.fromByteArray(inner));
      } catch (Exception e) {
        // Some issuers put raw bytes (not DER) in the extension: treat them as an OCTET STRING.
        return Optional.of(new org.bouncycastle.asn1.DEROctetString(inner));
      }
    } catch (Exception e) {
      return Optional.empty();
    }
  }
}
