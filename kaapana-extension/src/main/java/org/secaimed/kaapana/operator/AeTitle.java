package org.secaimed.kaapana.operator;

/**
 * A DICOM Application Entity title: 1 to 16 characters of the default repertoire, no backslash,
 * no control characters, not only spaces (PS3.5 table 6.2-1, VR AE).
 */
public record AeTitle(String value) {
  public static final int MAX_LENGTH = 16;

  public AeTitle {
    if (value == null || value.isBlank()) throw new IllegalArgumentException("AE title is empty");
    if (value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("AE title '" + value + "' has " + value.length()
          + " characters; DICOM allows at most " + MAX_LENGTH + " (use a shorter dataset/project name or set AETITLE)");
    }
    for (char c : value.toCharArray()) {
      if (c < 0x20 || c > 0x7e || c == '\\') {
        throw new IllegalArgumentException("AE title '" + value + "' contains a character DICOM forbids (U+"
            + String.format("%04X", (int) c) + ")");
      }
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
