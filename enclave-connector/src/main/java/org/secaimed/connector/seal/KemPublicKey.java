package org.secaimed.connector.seal;

import org.secaimed.connector.io.Digests;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;

/**
 * A recipient's HPKE public key: the suite and the RFC 9180 serialised key (SerializePublicKey).
 * Construction checks the encoding, so a key that exists is one the suite can use.
 */
public final class KemPublicKey {
  private final HpkeSuite suite;
  private final byte[] encoded;
  private final AsymmetricKeyParameter parameter;

  private KemPublicKey(HpkeSuite suite, byte[] encoded, AsymmetricKeyParameter parameter) {
    this.suite = suite;
    this.encoded = encoded;
    this.parameter = parameter;
  }

  /**
   * Parses a serialised public key.
   *
   * @throws IllegalArgumentException naming the suite when the bytes are not a valid key for it
   */
  public static KemPublicKey of(HpkeSuite suite, byte[] encoded) {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(encoded, "encoded");
    byte[] copy = encoded.clone();
    int expected = expectedLength(suite);
    if (copy.length != expected) {
      throw new IllegalArgumentException(
          suite.label() + " public key must be " + expected + " bytes, got " + copy.length);
    }
    AsymmetricKeyParameter p;
    try {
      p = suite.hpke().deserializePublicKey(copy);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a valid " + suite.label() + " public key: " + e.getMessage(), e);
    }
    return new KemPublicKey(suite, copy, p);
  }

  /** Convenience for the gateway API: the suite label and the base64 key as they appear in JSON. */
  public static KemPublicKey of(String suiteLabel, String base64) {
    byte[] bytes;
    try {
      bytes = java.util.Base64.getDecoder().decode(base64 == null ? "" : base64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("KEM public key is not valid base64", e);
    }
    return of(HpkeSuite.fromLabel(suiteLabel), bytes);
  }

  static int expectedLength(HpkeSuite suite) {
    switch (suite) {
      case XWING: return 1216;
      case X25519: return 32;
      case P256: return 65;
      default: throw new AssertionError(suite);
    }
  }

  public HpkeSuite suite() {
    return suite;
  }

  /** The serialised key bytes (a copy). */
  public byte[] encoded() {
    return encoded.clone();
  }

  /** Hex SHA-256 of the serialised key: names the key in archive headers, logs and receipts. */
  public String keyId() {
    return HexFormat.of().formatHex(keyIdBytes());
  }

  byte[] keyIdBytes() {
    return sha256(encoded);
  }

  AsymmetricKeyParameter parameter() {
    return parameter;
  }

  static byte[] sha256(byte[] data) {
    return Digests.sha256(data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KemPublicKey k && k.suite == suite && Arrays.equals(k.encoded, encoded);
  }

  @Override
  public int hashCode() {
    return 31 * suite.hashCode() + Arrays.hashCode(encoded);
  }

  @Override
  public String toString() {
    return "KemPublicKey[" + suite.label() + ", keyId=" + keyId() + "]";
  }
}
