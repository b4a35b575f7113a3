package org.secaimed.connector.tlog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;

/**
 * Checkpoints as C2SP signed notes: the checkpoint body, a blank line, and one line
 * {@code "— <name> <base64(keyId[4] ‖ Ed25519 signature[64])>"} per signature. The key id is the
 * first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ raw public key), as in golang.org/x/mod/sumdb/note.
 * The key name is the checkpoint's origin.
 */
public final class SignedCheckpoints {
  private static final String SIG_PREFIX = "\u2014 ";
  private static final byte ALG_ED25519 = 0x01;

  private SignedCheckpoints() {}

  /** The log origin for a log signed with the attested signing key: its name pins the key. */
  public static String originFor(PublicKey signingKey) {
    byte[] d = LogHashes.sha256().digest(signingKey.getEncoded());
    return "secaimed.org/enclave-log/" + java.util.HexFormat.of().formatHex(d, 0, 8);
  }

  public static String sign(Checkpoint checkpoint, PrivateKey key, PublicKey publicKey) {
    byte[] sig = Ed25519.sign(key, checkpoint.bodyBytes());
    byte[] line = new byte[4 + sig.length];
    System.arraycopy(keyId(checkpoint.origin(), publicKey), 0, line, 0, 4);
    System.arraycopy(sig, 0, line, 4, sig.length);
    return checkpoint.body() + "\n" + SIG_PREFIX + checkpoint.origin() + " " + Base64.getEncoder().encodeToString(line) + "\n";
  }

  /**
   * Parses a signed note and returns its checkpoint if a signature line by {@code expectedOrigin}'s
   * key verifies under {@code publicKey}; signature lines by other keys are ignored, as the note
   * format says. Throws naming what failed.
   */
  public static Checkpoint open(String note, String expectedOrigin, PublicKey publicKey) throws LogProofException {
    int split = note.indexOf("\n\n");
    if (split < 0) throw new LogProofException("checkpoint: no blank line between body and signatures");
    String body = note.substring(0, split + 1);
    String sigs = note.substring(split + 2);
    Checkpoint cp = Checkpoint.parseBody(body);
    if (!cp.origin().equals(expectedOrigin)) {
      throw new LogProofException("checkpoint: origin '" + cp.origin() + "' is not the expected log '" + expectedOrigin + "'");
    }
    if (!sigs.endsWith("\n")) throw new LogProofException("checkpoint: signature block must end with a newline");
    byte[] expectedId = keyId(expectedOrigin, publicKey);
    for (String line : sigs.substring(0, sigs.length() - 1).split("\n", -1)) {
      if (!line.startsWith(SIG_PREFIX)) throw new LogProofException("checkpoint: malformed signature line");
      String rest = line.substring(SIG_PREFIX.length());
      int sp = rest.lastIndexOf(' ');
      if (sp <= 0) throw new LogProofException("checkpoint: malformed signature line");
      if (!rest.substring(0, sp).equals(expectedOrigin)) continue;
      byte[] raw;
      try {
        raw = Base64.getDecoder().decode(rest.substring(sp + 1));
      } catch (IllegalArgumentException e) {
        throw new LogProofException("checkpoint: signature is not base64");
      }
      if (raw.length != 68 || !MessageDigest.isEqual(Arrays.copyOf(raw, 4), expectedId)) continue;
      if (Ed25519.verify(publicKey, body.getBytes(StandardCharsets.UTF_8), Arrays.copyOfRange(raw, 4, 68))) return cp;
      throw new LogProofException("checkpoint: signature by '" + expectedOrigin + "' does not verify");
    }
    throw new LogProofException("checkpoint: no signature by the attested log key '" + expectedOrigin + "'");
  }

  static byte[] keyId(String name, PublicKey publicKey) {
    MessageDigest md = LogHashes.sha256();
    md.update(name.getBytes(StandardCharsets.UTF_8));
    md.update((byte) '\n');
    md.update(ALG_ED25519);
    md.update(Ed25519.rawPublicKey(publicKey));
    return Arrays.copyOf(md.digest(), 4);
  }
}
