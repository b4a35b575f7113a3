package org.secaimed.connector.io;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The one home for SHA-256: raw, as lower-case hex (the form every digest in journals, records and
 * receipts takes), and in the {@code sha256:<hex>} notation the gateway API uses for algorithms,
 * models and blobs. Every Java runtime has SHA-256, so its absence is a broken platform, not an
 * input error.
 */
public final class Digests {
  /** The notation's prefix: {@code sha256:} followed by 64 lower-case hex digits. */
  public static final String PREFIX = "sha256:";

  private static final Pattern NOTATION = Pattern.compile("sha256:[0-9a-f]{64}");

  private Digests() {}

  /** A fresh SHA-256 digest, for streaming input through it. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  public static byte[] sha256(byte[] bytes) {
    return sha256().digest(bytes);
  }

  public static String sha256Hex(byte[] bytes) {
    return hex(sha256(bytes));
  }

  /** Finishes {@code digest} (which resets it) and returns its value as lower-case hex. */
  public static String hex(MessageDigest digest) {
    return hex(digest.digest());
  }

  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  /** Whether {@code s} is exactly {@code sha256:} and 64 lower-case hex digits. */
  public static boolean isDigest(String s) {
    return s != null && NOTATION.matcher(s).matches();
  }

  /** {@code sha256:<hex>} of {@code bytes}. */
  public static String of(byte[] bytes) {
    return ofHex(sha256Hex(bytes));
  }

  /** {@code sha256:<hex>} for a SHA-256 already in lower-case hex. */
  public static String ofHex(String sha256Hex) {
    return PREFIX + sha256Hex;
  }
}
