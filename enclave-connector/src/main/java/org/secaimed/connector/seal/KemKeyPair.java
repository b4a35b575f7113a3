package org.secaimed.connector.seal;

import java.util.Objects;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;

/**
 * A recipient's HPKE key pair. The private half never leaves this package except through
 * {@link KemKeys} (owner-only key files); {@link #toString()} names only the public key id.
 */
public final class KemKeyPair {
  private final KemPublicKey publicKey;
  private final AsymmetricCipherKeyPair pair;

  private KemKeyPair(KemPublicKey publicKey, AsymmetricCipherKeyPair pair) {
    this.publicKey = publicKey;
    this.pair = pair;
  }

  /** A fresh random key pair for the suite. */
  public static KemKeyPair generate(HpkeSuite suite) {
    Objects.requireNonNull(suite, "suite");
    return wrap(suite, suite.hpke().generatePrivateKey());
  }

  /** RFC 9180 DeriveKeyPair: the same input keying material always gives the same pair. */
  public static KemKeyPair derive(HpkeSuite suite, byte[] ikm) {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(ikm, "ikm");
    return wrap(suite, suite.hpke().deriveKeyPair(ikm.clone()));
  }

  /**
   * Rebuilds a pair from its serialised halves and checks that they belong together.
   *
   * @throws IllegalArgumentException when the bytes are malformed or the halves do not match
   */
  static KemKeyPair fromEncoded(HpkeSuite suite, byte[] privateKey, byte[] publicKey) {
    KemPublicKey pub = KemPublicKey.of(suite, publicKey);
    AsymmetricCipherKeyPair pair;
    try {
      pair = suite.hpke().deserializePrivateKey(privateKey.clone(), publicKey.clone());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a valid " + suite.label() + " private key", e);
    }
    // BC derives nothing from the public half here, so prove they match by a round trip.
    try {
      SealedArchive.open(SealedArchive.seal(new byte[0], pub, new byte[0]), new KemKeyPair(pub, pair), new byte[0]);
    } catch (java.io.IOException | RuntimeException e) {
      throw new IllegalArgumentException("the " + suite.label() + " private key does not match its public key");
    }
    return new KemKeyPair(pub, pair);
  }

  private static KemKeyPair wrap(HpkeSuite suite, AsymmetricCipherKeyPair pair) {
    byte[] pub = suite.hpke().serializePublicKey(pair.getPublic());
    return new KemKeyPair(KemPublicKey.of(suite, pub), pair);
  }

  public KemPublicKey publicKey() {
    return publicKey;
  }

  public HpkeSuite suite() {
    return publicKey.suite();
  }

  AsymmetricCipherKeyPair pair() {
    return pair;
  }

  /** The serialised private key (RFC 9180 SerializePrivateKey; for X25519 the clamped scalar). */
  byte[] privateKeyBytes() {
    return suite().hpke().serializePrivateKey(pair.getPrivate());
  }

  /**
   * A copy of the serialised private key, only as input keying material for a KDF (the site's
   * signing key is derived from it, see {@code PartyKey.derivedFrom}); the caller must zero it.
   */
  public byte[] privateKeyBytesForDerivation() {
    return privateKeyBytes();
  }

  @Override
  public String toString() {
    return "KemKeyPair[" + suite().label() + ", keyId=" + publicKey.keyId() + "]";
  }
}
