package org.secaimed.connector.attest.verify.dcap;

import java.security.cert.X509Certificate;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;

/** The SGX extension of an Intel PCK certificate (OID 1.2.840.113741.1.13.1): FMSPC, PCE id and platform TCB. */
public record PckCertificate(X509Certificate certificate, byte[] fmspc, byte[] pceId, int[] sgxTcbComponents, int pceSvn, byte[] cpuSvn) {
  static final String SGX_EXT = "1.2.840.113741.1.13.1";

  /** Returns null when the certificate has no (well-formed) SGX extension. */
  public static PckCertificate of(X509Certificate c) {
    byte[] ext = c.getExtensionValue(SGX_EXT);
    if (ext == null) return null;
    try {
      ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(ext).getOctets()));
      byte[] fmspc = null;
      byte[] pceId = null;
      int[] comps = new int[16];
      Arrays.fill(comps, -1);
      int pceSvn = -1;
      byte[] cpuSvn = null;
      for (ASN1Encodable e : seq) {
        ASN1Sequence kv = ASN1Sequence.getInstance(e);
        String oid = ASN1ObjectIdentifier.getInstance(kv.getObjectAt(0)).getId();
        ASN1Encodable v = kv.getObjectAt(1);
        if (oid.equals(SGX_EXT + ".4")) fmspc = ASN1OctetString.getInstance(v).getOctets();
        else if (oid.equals(SGX_EXT + ".3")) pceId = ASN1OctetString.getInstance(v).getOctets();
        else if (oid.equals(SGX_EXT + ".2")) {
          for (ASN1Encodable t : ASN1Sequence.getInstance(v)) {
            ASN1Sequence tkv = ASN1Sequence.getInstance(t);
            String toid = ASN1ObjectIdentifier.getInstance(tkv.getObjectAt(0)).getId();
            int idx = Integer.parseInt(toid.substring(toid.lastIndexOf('.') + 1));
            if (idx >= 1 && idx <= 16) comps[idx - 1] = ASN1Integer.getInstance(tkv.getObjectAt(1)).intValueExact();
            else if (idx == 17) pceSvn = ASN1Integer.getInstance(tkv.getObjectAt(1)).intValueExact();
            else if (idx == 18) cpuSvn = ASN1OctetString.getInstance(tkv.getObjectAt(1)).getOctets();
          }
        }
      }
      if (fmspc == null || pceId == null || pceSvn < 0 || Arrays.stream(comps).anyMatch(x -> x < 0)) return null;
      return new PckCertificate(c, fmspc, pceId, comps, pceSvn, cpuSvn);
    } catch (RuntimeException | java.io.IOException e) {
      return null;
    }
  }
}
