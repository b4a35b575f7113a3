package org.secaimed.dicom.exchange;

/** The {@code sha256:<hex>} digest notation used for algorithms, models and blobs in the gateway API. */
public final class Digests {
  public static final String PREFIX = "sha256:";

  private Digests() {}

  public static boolean isDigest(String s) {
    return s != null && s.length() == PREFIX.length() + 64 && s.startsWith(PREFIX) && s.substring(PREFIX.length()).matches("[0-9a-f]{64}");
  }

  public static String of(byte[] data) {
    return PREFIX + Sha256.hex(data);
  }

  public static String ofHex(String sha256Hex) {
    return PREFIX + sha256Hex;
  }
}
