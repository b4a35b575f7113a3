package org.secaimed.enclave.server.keys;

import org.secaimed.connector.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import org.secaimed.connector.attest.AttestedKeys;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.seal.KemKeys;
import org.secaimed.connector.tlog.Ed25519;

/**
 * The enclave's keys, created on first start and kept in {@code <state>/keys} (owner-only): the
 * signing key that signs receipts and log checkpoints, and the HPKE key sites seal their studies
 * to. Evidence binds both to each client's nonce. In a confidential VM the state folder must be
 * on a volume encrypted with a key only the VM holds (docs/deploy-enclave.md); in the INSECURE dev
 * enclave they are plain files.
 */
public final class EnclaveKeys {
  private final KeyPair signing;
  private final KemKeyPair kem;

  private EnclaveKeys(KeyPair signing, KemKeyPair kem) {
    this.signing = signing;
    this.kem = kem;
  }

  public static EnclaveKeys loadOrCreate(Path dir, HpkeSuite suite) throws IOException {
    KeyPair signing = ed25519(dir, "signing");
    Path kemFile = dir.resolve("kem-private.json");
    if (!Files.exists(kemFile)) KemKeys.writePrivateKey(kemFile, KemKeyPair.generate(suite));
    return new EnclaveKeys(signing, KemKeys.readPrivateKey(kemFile));
  }

  /** An Ed25519 key pair kept as {@code <name>.pk8} (owner-only) and {@code <name>.spki} in {@code dir}, created when missing. */
  public static KeyPair ed25519(Path dir, String name) throws IOException {
    Path priv = dir.resolve(name + ".pk8");
    Path pub = dir.resolve(name + ".spki");
    if (!Files.exists(priv) || !Files.exists(pub)) {
      KeyPair kp = Ed25519.generate();
      AtomicFiles.writeOwnerOnly(priv, kp.getPrivate().getEncoded());
      AtomicFiles.write(pub, kp.getPublic().getEncoded());
    }
    PrivateKey p = Ed25519.privateKey(Files.readAllBytes(priv));
    PublicKey q = Ed25519.publicKey(Files.readAllBytes(pub));
    return new KeyPair(q, p);
  }


  public KeyPair signing() {
    return signing;
  }

  public KemKeyPair kem() {
    return kem;
  }

  /** The public keys the evidence binds: the HPKE key sites seal to and the receipt signing key. */
  public AttestedKeys attestedKeys() {
    return new AttestedKeys(kem.suite().label(), kem.publicKey().encoded(), "Ed25519", signing.getPublic().getEncoded());
  }

}
