package org.secaimed.connector.receipt;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.secaimed.connector.seal.KemKeyPair;

/**
 * Receipts without a membership oracle (docs/gateway-protocol.md, "Receipts in v2"): instead of
 * SOP Instance UIDs next to each file's SHA-256, a receipt names per input one
 * {@code instancesCommitment} = HMAC-SHA256(k, canonical instance list). k is the owner's key
 * for that blob, derived from its KEM private key and the blob id, handed to the enclave sealed in
 * the owner-signed upload completion. Only the owner and the enclave can compute or test it.
 */
public final class InstanceCommitments {
  private static final String KEY_INFO = "secaimed instance commitment key v1:";

  private InstanceCommitments() {}

  /** The owner's commitment key for one blob; the site re-derives it whenever it verifies a receipt. */
  public static byte[] key(KemKeyPair site, String blobId) {
    byte[] ikm = site.privateKeyBytesForDerivation();
    try {
      HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
      hkdf.init(new HKDFParameters(ikm, null, (KEY_INFO + blobId).getBytes(StandardCharsets.UTF_8)));
      byte[] k = new byte[32];
      hkdf.generateBytes(k, 0, k.length);
      return k;
    } finally {
      Arrays.fill(ikm, (byte) 0);
    }
  }

  /** Hex HMAC-SHA256 over "uid \t sha256 \n" lines sorted by UID. */
  public static String commit(byte[] key, Map<String, String> instancesByUid) {
    if (key == null || key.length != 32) throw new IllegalArgumentException("a commitment key is 32 bytes");
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      for (var e : new TreeMap<>(instancesByUid).entrySet()) {
        mac.update((e.getKey() + "\t" + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }
}
