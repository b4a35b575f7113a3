package org.secaimed.devenclave.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.seal.KemKeys;
import org.secaimed.connector.tlog.Ed25519;

/**
 * The dev enclave's software keys, created on first start and kept in {@code <state>/keys}
 * (owner-only): the dev attestation key that signs evidence, the signing key that signs
 * receipts and log checkpoints, and the HPKE key sites seal their studies to. A real enclave
 * keeps these in TEE memory; here they are files, which is one reason the dev enclave is INSECURE.
 */
public final class EnclaveKeys {
  private final KeyPair attestation;
  private final KeyPair signing;
  private final KemKeyPair kem;

  private EnclaveKeys(KeyPair attestation, KeyPair signing, KemKeyPair kem) {
    this.attestation = attestation;
    this.signing = signing;
    this.kem = kem;
  }

  public static EnclaveKeys loadOrCreate(Path dir, HpkeSuite suite) throws IOException {
    KeyPair attestation = ed25519(dir, "attestation");
    KeyPair signing = ed25519(dir, "signing");
    Path kemFile = dir.resolve("kem-private.json");
    if (!Files.exists(kemFile)) KemKeys.writePrivateKey(kemFile, KemKeyPair.generate(suite));
    return new EnclaveKeys(attestation, signing, KemKeys.readPrivateKey(kemFile));
  }

  private static KeyPair ed25519(Path dir, String name) throws IOException {
    Path priv = dir.resolve(name + ".pk8");
    Path pub = dir.resolve(name + ".spki");
    if (!Files.exists(priv) || !Files.exists(pub)) {
      KeyPair kp = Ed25519.generate();
      writeOwnerOnly(priv, kp.getPrivate().getEncoded());
      Files.write(pub, kp.getPublic().getEncoded());
    }
    PrivateKey p = Ed25519.privateKey(Files.readAllBytes(priv));
    PublicKey q = Ed25519.publicKey(Files.readAllBytes(pub));
    return new KeyPair(q, p);
  }

  private static void writeOwnerOnly(Path file, byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), ".key-", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public KeyPair attestation() {
    return attestation;
  }

  public KeyPair signing() {
    return signing;
  }

  public KemKeyPair kem() {
    return kem;
  }

}
