package org.secaimed.connector.attest;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/** Issues dev evidence the way the dev enclave does (contracts.md), with fresh keys per fixture. */
final class DevEvidenceFixture {
  final KeyPair attestationKey;
  final AttestedKeys keys;
  final byte[] nonce = new byte[32];
  final String measurement = "ab".repeat(32);

  DevEvidenceFixture() throws Exception {
    attestationKey = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    KeyPair signing = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] kem = new byte[32];
    new SecureRandom().nextBytes(kem);
    new SecureRandom().nextBytes(nonce);
    keys = new AttestedKeys("xwing-sha256-aes256gcm", kem, "Ed25519", signing.getPublic().getEncoded());
  }

  Evidence evidence(byte[] reportData, Instant issuedAt) throws Exception {
    String json = "{\"type\":\"secaimed-dev-evidence-v1\",\"insecure\":true,\"platform\":\"software (INSECURE)\","
        + "\"measurement\":\"" + measurement + "\",\"reportData\":\"" + HexFormat.of().formatHex(reportData)
        + "\",\"issuedAt\":\"" + issuedAt + "\"}";
    byte[] data = json.getBytes(StandardCharsets.UTF_8);
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(attestationKey.getPrivate());
    s.update(data);
    return new Evidence("dev", data, List.of(attestationKey.getPublic().getEncoded()), List.of(s.sign()));
  }

  Evidence evidence(Instant issuedAt) throws Exception {
    return evidence(KeyBinding.reportData(keys, nonce), issuedAt);
  }
}
