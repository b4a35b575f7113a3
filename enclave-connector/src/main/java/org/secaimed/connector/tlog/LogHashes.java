package org.secaimed.connector.tlog;

import org.secaimed.connector.io.Digests;
import java.security.MessageDigest;

/** RFC 9162 §2.1.1 hashing: domain-separated SHA-256 for leaves (0x00) and interior nodes (0x01). */
public final class LogHashes {
  public static final int HASH_LENGTH = 32;

  private LogHashes() {}

  public static byte[] leafHash(byte[] leafInput) {
    MessageDigest md = sha256();
    md.update((byte) 0x00);
    md.update(leafInput);
    return md.digest();
  }

  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest md = sha256();
    md.update((byte) 0x01);
    md.update(left);
    md.update(right);
    return md.digest();
  }

  /** The root of the empty tree: SHA-256 of the empty string. */
  public static byte[] emptyRoot() {
    return sha256().digest();
  }

  static MessageDigest sha256() {
    return Digests.sha256();
  }
}
