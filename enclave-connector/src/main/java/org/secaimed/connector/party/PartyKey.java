package org.secaimed.connector.party;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.tlog.Ed25519;

/**
 * A party's long-term signing key (Ed25519, RFC 8032). Sites sign every state-changing request
 * and every data-usage policy with it; the enclave verifies. See docs/gateway-protocol.md
 * ("Parties") for why Ed25519 and not a hybrid post-quantum signature yet.
 */
public final class PartyKey {
  private static final byte[] PKCS8_PREFIX = {
      0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};
  private static final byte[] DERIVATION_INFO = "secaimed party signing key v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final PrivateKey privateKey;
  private final PartyPublicKey publicKey;

  private PartyKey(KeyPair pair) {
    this.privateKey = pair.getPrivate();
    this.publicKey = PartyPublicKey.of(pair.getPublic());
  }

  public static PartyKey generate() {
    return new PartyKey(Ed25519.generate());
  }

  public static PartyKey of(KeyPair ed25519) {
    return new PartyKey(Objects.requireNonNull(ed25519, "key pair"));
  }

  /**
   * The site's signing key, derived from the private key of its KEM key file with HKDF-SHA256
   * (info "secaimed party signing key v1"), so that the one Secret a site already holds carries
   * both keys and the two stay independent (a KDF output reveals nothing of its input).
   */
  public static PartyKey derivedFrom(KemKeyPair site) {
    byte[] ikm = site.privateKeyBytesForDerivation();
    byte[] seed = new byte[32];
    try {
      HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
      hkdf.init(new HKDFParameters(ikm, null, DERIVATION_INFO));
      hkdf.generateBytes(seed, 0, seed.length);
      byte[] pkcs8 = Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + 32);
      System.arraycopy(seed, 0, pkcs8, PKCS8_PREFIX.length, 32);
      PrivateKey sk = Ed25519.privateKey(pkcs8);
      Arrays.fill(pkcs8, (byte) 0);
      var pk = new org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters(seed).generatePublicKey().getEncoded();
      byte[] spki = new byte[44];
      System.arraycopy(new byte[] {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00}, 0, spki, 0, 12);
      System.arraycopy(pk, 0, spki, 12, 32);
      return new PartyKey(new KeyPair(Ed25519.publicKey(spki), sk));
    } finally {
      Arrays.fill(ikm, (byte) 0);
      Arrays.fill(seed, (byte) 0);
    }
  }

  public PartyPublicKey publicKey() {
    return publicKey;
  }

  public String id() {
    return publicKey.id();
  }

  public byte[] sign(byte[] message) {
    return Ed25519.sign(privateKey, message);
  }

  @Override
  public String toString() {
    return "PartyKey[" + publicKey + "]";
  }
}
