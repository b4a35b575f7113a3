package org.secaimed.connector.seal;

/**
 * How the sealed bytes encode the caller's plaintext, declared in the authenticated archive
 * header (docs/sealed-archive-format.md): a gateway that flips it breaks the header tag.
 */
public enum ContentEncoding {
  /** The chunks carry the plaintext itself (format version 1). */
  IDENTITY(0),
  /** The chunks carry a zstd stream of the plaintext, decompressed by the recipient under a size bound (version 2). */
  ZSTD(1);

  private final int id;

  ContentEncoding(int id) {
    this.id = id;
  }

  /** The header byte. */
  int id() {
    return id;
  }

  /** The encoding a header byte names, or null if this build knows none by that id. */
  static ContentEncoding fromId(int id) {
    for (ContentEncoding e : values()) if (e.id == id) return e;
    return null;
  }
}
