package org.secaimed.connector.attest.verify;

import java.util.HexFormat;

/** Lowercase hex, the one spelling used in claims, policies and output. */
public final class Hex {
  private Hex() {}

  public static String of(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  /** Parses hex (either case, optional 0x); throws IllegalArgumentException on anything else. */
  public static byte[] parse(String hex) {
    String h = hex.strip();
    if (h.startsWith("0x") || h.startsWith("0X")) h = h.substring(2);
    return HexFormat.of().parseHex(h);
  }
}
