package org.secaimed.connector.attest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The 64 bytes every evidence must carry as report data, so that evidence proves these keys,
 * what they are for, and this client's fresh nonce (binding v2, docs/attestation.md):
 * <pre>
 * SHA-512( lp("secaimed-attestation-v2") ‖ lp(kemSuite) ‖ lp(kemPublicKey)
 *        ‖ lp(signingAlg) ‖ lp(signingPublicKey DER) ‖ lp(nonce) )      lp(x) = u32be(len(x)) ‖ x
 * </pre>
 * Every field is length-prefixed, so no two field lists hash the same bytes whatever lengths a
 * future suite brings, and the suite and algorithm labels are bound, so a gateway cannot present
 * the same key bytes as another suite. The gateway computes it to issue evidence; the client to check it.
 */
public final class KeyBinding {
  public static final String DOMAIN = "secaimed-attestation-v2";
  public static final int NONCE_BYTES = 32;

  private KeyBinding() {}

  public static byte[] reportData(AttestedKeys keys, byte[] nonce) {
    if (nonce == null || nonce.length != NONCE_BYTES) {
      throw new IllegalArgumentException("nonce must be " + NONCE_BYTES + " bytes");
    }
    try {
      MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
      field(sha512, DOMAIN.getBytes(StandardCharsets.UTF_8));
      field(sha512, keys.kemSuite().getBytes(StandardCharsets.UTF_8));
      field(sha512, keys.kemPublicKey());
      field(sha512, keys.signingAlg().getBytes(StandardCharsets.UTF_8));
      field(sha512, keys.signingPublicKey());
      field(sha512, nonce);
      return sha512.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 missing from the JDK", e);
    }
  }

  private static void field(MessageDigest md, byte[] value) {
    md.update(ByteBuffer.allocate(4).putInt(value.length).array());
    md.update(value);
  }
}
