package org.secaimed.connector.attest.verify.dcap;

import java.math.BigInteger;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;

/** ECDSA P-256/SHA-256 as Intel encodes it: raw r‖s signatures and raw x‖y public keys. */
final class Ecdsa {
  private Ecdsa() {}

  static boolean verifyP1363(PublicKey key, byte[] data, byte[] rs) {
    try {
      ASN1EncodableVector v = new ASN1EncodableVector();
      v.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(rs, 0, 32))));
      v.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(rs, 32, 64))));
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initVerify(key);
      s.update(data);
      return s.verify(new DERSequence(v).getEncoded());
    } catch (Exception e) {
      return false;
    }
  }

  /** As {@link #verifyP1363} for Intel's signed collateral (TCB info, QE identity), whose successes recur and are memoised. */
  static boolean verifyCollateral(PublicKey key, byte[] data, byte[] rs) {
    return org.secaimed.connector.attest.verify.VerifiedSignatures.check("p1363", key, data, rs, () -> verifyP1363(key, data, rs));
  }

  /** A P-256 public key from 64 raw bytes x‖y; null if the point is not on the curve. */
  static PublicKey p256(byte[] xy) {
    try {
      var params = java.security.AlgorithmParameters.getInstance("EC");
      params.init(new java.security.spec.ECGenParameterSpec("secp256r1"));
      var spec = params.getParameterSpec(java.security.spec.ECParameterSpec.class);
      BigInteger x = new BigInteger(1, Arrays.copyOfRange(xy, 0, 32));
      BigInteger y = new BigInteger(1, Arrays.copyOfRange(xy, 32, 64));
      // JDK key factories do not all check the point; an off-curve key must never verify anything.
      if (!org.bouncycastle.asn1.x9.ECNamedCurveTable.getByName("secp256r1").getCurve().createPoint(x, y).isValid()) return null;
      ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(xy, 0, 32)), new BigInteger(1, Arrays.copyOfRange(xy, 32, 64)));
      return java.security.KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
    } catch (Exception e) {
      return null;
    }
  }
}
