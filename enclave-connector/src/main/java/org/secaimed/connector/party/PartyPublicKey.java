package org.secaimed.connector.party;

import org.secaimed.connector.io.Digests;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Objects;
import org.secaimed.connector.tlog.Ed25519;

/**
 * A party's public signing key (Ed25519) and its id: the hex SHA-256 of the SubjectPublicKeyInfo
 * DER. Policies name parties by this id, so a party is its key: nobody can claim an id without
 * the matching private key, and no registry (which the gateway could tamper with) is needed.
 */
public final class PartyPublicKey {
  private final PublicKey key;
  private final String id;

  private PartyPublicKey(PublicKey key) {
    this.key = key;
    this.id = idOf(key.getEncoded());
  }

  public static PartyPublicKey of(PublicKey key) {
    Objects.requireNonNull(key, "key");
    return new PartyPublicKey(Ed25519.publicKey(key.getEncoded()));
  }

  /** Parses the base64 SPKI DER of an Ed25519 key; throws IllegalArgumentException naming the problem. */
  public static PartyPublicKey parse(String base64Spki) {
    if (base64Spki == null) throw new IllegalArgumentException("no party key");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64Spki);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("party key is not base64");
    }
    return new PartyPublicKey(Ed25519.publicKey(der));
  }

  public PublicKey key() {
    return key;
  }

  /** Hex SHA-256 of the SPKI DER (64 lower-case hex digits). */
  public String id() {
    return id;
  }

  public String encoded() {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  public boolean verify(byte[] message, byte[] signature) {
    return Ed25519.verify(key, message, signature);
  }

  static String idOf(byte[] spki) {
    return Digests.sha256Hex(spki);
  }

  /** True for a well-formed party id (64 lower-case hex digits). */
  public static boolean isId(String s) {
    return s != null && s.matches("[0-9a-f]{64}");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PartyPublicKey p && p.id.equals(id);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "party " + id.substring(0, 16);
  }
}
