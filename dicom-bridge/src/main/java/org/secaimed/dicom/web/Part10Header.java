package org.secaimed.dicom.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import okio.BufferedSource;
import okio.Okio;

/**
 * The identifying fields of a DICOM Part-10 File Meta Information header (group 0002), read
 * without consuming the stream: WADO parts, STOW inputs and pulled files are identified by
 * these before their bytes are hashed, sealed or sent. Group 0002 is always Explicit VR
 * Little Endian (PS3.10 7.1), so this small reader needs no DICOM toolkit.
 */
public record Part10Header(String transferSyntaxUid, String sopClassUid, String sopInstanceUid) {

  private static final int PREAMBLE = 128;
  /** Group 0002 is small; anything larger is malformed and not worth buffering. */
  private static final long MAX_META_BYTES = 64 * 1024;
  private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV");

  /**
   * Reads the header from a peek of {@code source} (the source is not advanced).
   * Empty when the bytes do not start with a Part-10 preamble and "DICM" (e.g. a bare dataset).
   */
  public static Optional<Part10Header> peek(BufferedSource source) throws IOException {
    BufferedSource p = source.peek();
    if (!p.request(PREAMBLE + 4)) return Optional.empty();
    p.skip(PREAMBLE);
    if (!"DICM".equals(p.readString(4, StandardCharsets.US_ASCII))) return Optional.empty();
    String ts = null, sopClass = null, sopInstance = null;
    long consumed = 0;
    while (consumed < MAX_META_BYTES && p.request(8)) {
      // Look at the group before consuming: the first non-0002 element ends the header.
      if (p.peek().readShortLe() != 0x0002) break;
      p.readShortLe();
      int element = p.readShortLe() & 0xFFFF;
      String vr = p.readString(2, StandardCharsets.US_ASCII);
      long length;
      if (LONG_VRS.contains(vr)) {
        if (!p.request(6)) break;
        p.skip(2);
        length = p.readIntLe() & 0xFFFFFFFFL;
        consumed += 12;
      } else {
        length = p.readShortLe() & 0xFFFF;
        consumed += 8;
      }
      if (length > MAX_META_BYTES || !p.request(length)) throw new IOException("malformed DICOM File Meta Information: element (0002," + String.format("%04X", element) + ") overruns the header");
      switch (element) {
        case 0x0002 -> sopClass = uid(p.readString(length, StandardCharsets.US_ASCII));
        case 0x0003 -> sopInstance = uid(p.readString(length, StandardCharsets.US_ASCII));
        case 0x0010 -> ts = uid(p.readString(length, StandardCharsets.US_ASCII));
        default -> p.skip(length);
      }
      consumed += length;
    }
    return Optional.of(new Part10Header(ts, sopClass, sopInstance));
  }

  /** Reads the header of a file. */
  public static Optional<Part10Header> read(Path file) throws IOException {
    try (BufferedSource s = Okio.buffer(Okio.source(Files.newInputStream(file)))) {
      return peek(s);
    }
  }

  private static String uid(String raw) {
    // UIDs are padded to even length with NUL (PS3.5 9.1); some writers pad with a space.
    String v = raw.replace("\0", "").trim();
    return v.isEmpty() ? null : v;
  }
}
