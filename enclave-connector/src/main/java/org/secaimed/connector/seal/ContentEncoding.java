package org.secaimed.connector.seal;

/**
 * How the sealed bytes encode the caller's plaintext, declared in the authenticated archive
 * header (docs/sealed-archive-format.md): a gateway that flips it breaks the header tag.
 */
public enum ContentEncoding {
  /** The chunks carry the plaintext itself (format version 1). */
  IDENTITY(0),
  /** The chunks carry a zstd stream of the plaintext, decompressed by the recipient under a size bound (version 2). */
  ZSTD(1),
  /**
   * zstd of the plaintext after a 16-bit byte-plane shuffle in 64 KiB blocks ({@link BytePlanes}):
   * for studies, whose bulk is 16-bit pixels (version 2).
   */
  ZSTD_BYTE_PLANES(2);

  private final int id;

  ContentEncoding(int id) {
    this.id = id;
  }

  /** The header byte. */
  int id() {
    return id;
  }

  boolean compressed() {
    return this != IDENTITY;
  }

  /** The encoding a header byte names, or null if this build knows none by that id. */
  static ContentEncoding fromId(int id) {
    for (ContentEncoding e : values()) if (e.id == id) return e;
    return null;
  }
}
