package org.secaimed.connector.attest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The 64 bytes every evidence must carry as report data, so that evidence proves these keys
 * and this client's fresh nonce:
 * {@code SHA-512("secaimed-attestation-v1" ‖ kemPublicKey ‖ signingPublicKey DER ‖ nonce)}.
 * The gateway (dev enclave) computes it to issue evidence; the client to check it.
 */
public final class KeyBinding {
  public static final String DOMAIN = "secaimed-attestation-v1";
  public static final int NONCE_BYTES = 32;

  private KeyBinding() {}

  public static byte[] reportData(AttestedKeys keys, byte[] nonce) {
    if (nonce == null || nonce.length != NONCE_BYTES) {
      throw new IllegalArgumentException("nonce must be " + NONCE_BYTES + " bytes");
    }
    try {
      MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
      sha512.update(DOMAIN.getBytes(StandardCharsets.UTF_8));
      sha512.update(keys.kemPublicKey());
      sha512.update(keys.signingPublicKey());
      sha512.update(nonce);
      return sha512.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 missing from the JDK", e);
    }
  }
}
