package org.secaimed.connector.attest.verify;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.secaimed.connector.io.Digests;

/**
 * A bounded memo of signature checks that succeeded, for material that recurs from one
 * attestation to the next: certificate chains, CRLs and Intel's signed TCB info / QE identity.
 * A signature check is a pure function of (key, signed bytes, signature), so a success recorded
 * under the SHA-256 of exactly those bytes stays a success; failures are never recorded (an
 * attacker's garbage cannot fill the memo, and is simply checked again). The evidence's own
 * signatures (SNP report, DCAP quote and QE report) do not go through here: they are checked
 * every time. What this saves: about ten P-256 (or RSA-4096 PSS) verifications per DCAP quote
 * (SNP: the ARK/ASK chain) once the site's collateral is warm.
 */
public final class VerifiedSignatures {
  static final int CAPACITY = 4096;
  private static final Map<String, Boolean> OK = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > CAPACITY;
    }
  });

  private VerifiedSignatures() {}

  /** {@code verify} is run unless a success for exactly {@code (kind, key, signed, signature)} is on record. */
  public static boolean check(String kind, PublicKey key, byte[] signed, byte[] signature, BooleanSupplier verify) {
    String id = id(kind, key.getEncoded(), signed, signature);
    if (OK.containsKey(id)) return true;
    boolean ok = verify.getAsBoolean();
    if (ok) OK.put(id, Boolean.TRUE);
    return ok;
  }

  /** For tests and benchmarks: forget every recorded success. */
  public static void clear() {
    OK.clear();
  }

  private static String id(String kind, byte[]... parts) {
    MessageDigest md = Digests.sha256();
    md.update(kind.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    for (byte[] p : parts) {
      md.update(ByteBuffer.allocate(4).putInt(p.length).array()); // length-framed: no two part lists hash alike
      md.update(p);
    }
    return Digests.hex(md.digest());
  }
}
