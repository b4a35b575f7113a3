package org.secaimed.connector.attest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

/** Key binding v2 (issue #10 item 7, review M3): length-prefixed fields, suite and algorithm bound. */
class KeyBindingTest {
  static final byte[] NONCE = new byte[32];

  static byte[] lp(DataOutputStream out, byte[] b) throws Exception {
    out.writeInt(b.length);
    out.write(b);
    return b;
  }

  @Test
  void matchesTheDocumentedEncoding() throws Exception {
    AttestedKeys keys = new AttestedKeys("xwing-sha256-aes256gcm", new byte[] {1, 2, 3}, "Ed25519", new byte[] {4, 5});
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(buf);
    lp(out, "secaimed-attestation-v2".getBytes(StandardCharsets.UTF_8));
    lp(out, "xwing-sha256-aes256gcm".getBytes(StandardCharsets.UTF_8));
    lp(out, new byte[] {1, 2, 3});
    lp(out, "Ed25519".getBytes(StandardCharsets.UTF_8));
    lp(out, new byte[] {4, 5});
    lp(out, NONCE);
    assertThat(KeyBinding.reportData(keys, NONCE)).isEqualTo(MessageDigest.getInstance("SHA-512").digest(buf.toByteArray()));
  }

  @Test
  void suiteAndAlgorithmAreBound() {
    byte[] kem = new byte[32];
    byte[] spki = new byte[44];
    byte[] xwing = KeyBinding.reportData(new AttestedKeys("xwing-sha256-aes256gcm", kem, "Ed25519", spki), NONCE);
    assertThat(KeyBinding.reportData(new AttestedKeys("x25519-sha256-aes256gcm", kem, "Ed25519", spki), NONCE)).isNotEqualTo(xwing);
    assertThat(KeyBinding.reportData(new AttestedKeys("xwing-sha256-aes256gcm", kem, "ES256", spki), NONCE)).isNotEqualTo(xwing);
  }

  @Test
  void fieldBoundariesCannotShift() {
    // v1 hashed kem ‖ signing with no lengths: moving a byte from one key to the other gave the same binding.
    byte[] a = KeyBinding.reportData(new AttestedKeys("s", new byte[] {1, 2}, "a", new byte[] {3}), NONCE);
    byte[] b = KeyBinding.reportData(new AttestedKeys("s", new byte[] {1}, "a", new byte[] {2, 3}), NONCE);
    assertThat(a).isNotEqualTo(b);
  }
}
