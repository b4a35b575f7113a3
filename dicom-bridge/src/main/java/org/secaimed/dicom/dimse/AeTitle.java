package org.secaimed.dicom.dimse;

/**
 * A validated Application Entity title (PS3.5 6.2, VR AE): 1 to 16 characters of the default
 * repertoire (printable ASCII), no backslash, not only spaces. Leading and trailing spaces are
 * not significant and are dropped. Too long is an error, never a silent truncation: Kaapana's
 * {@code kp-<dataset>} and {@code kp-<project>} titles overflow easily and a truncated title
 * files the data under the wrong dataset.
 */
public record AeTitle(String value) {
  public static final int MAX_LENGTH = 16;

  public AeTitle {
    value = validate(value, "AE title");
  }

  public static AeTitle of(String value) {
    return new AeTitle(value);
  }

  /** Validates with the role named in the error, e.g. {@code of(s, "calling AE title (--aet)")}. */
  public static AeTitle of(String value, String role) {
    return new AeTitle(validate(value, role));
  }

  /**
   * Kaapana's convention of encoding a dataset or project in the calling/called title
   * ({@code kp-<name>}); fails when the result would not fit.
   */
  public static AeTitle kaapana(String name, String role) {
    if (name == null || name.isBlank()) throw new InvalidAeTitleException(role + ": the Kaapana dataset/project name is empty");
    return of("kp-" + name.trim(), role + " (Kaapana 'kp-<name>' convention)");
  }

  private static String validate(String raw, String role) {
    if (raw == null) throw new InvalidAeTitleException(role + " is required");
    String v = raw.strip();
    if (v.isEmpty()) throw new InvalidAeTitleException(role + " must not be empty or only spaces");
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 0x20 || c > 0x7E) throw new InvalidAeTitleException(role + " '" + printable(v) + "' contains a character outside printable ASCII at position " + (i + 1));
      if (c == '\\') throw new InvalidAeTitleException(role + " '" + v + "' contains a backslash, which DICOM reserves as value separator");
    }
    if (v.length() > MAX_LENGTH)
      throw new InvalidAeTitleException(role + " '" + v + "' is " + v.length() + " characters; DICOM allows at most " + MAX_LENGTH
          + " and it is not truncated: choose a shorter name");
    return v;
  }

  private static String printable(String v) {
    return v.replaceAll("[^\\x20-\\x7E]", "?");
  }

  @Override
  public String toString() {
    return value;
  }
}
