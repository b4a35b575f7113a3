package org.secaimed.dicom.geometry;

import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.secaimed.dicom.geometry.SeriesAssemblyException.Reason;

/**
 * Walks the element structure of one instance before PixelMed parses it, so that hostile or broken
 * bytes fail here with a typed error instead of deep inside the parser: every value length must fit
 * in what is left of its container, and sequences may nest at most {@link #MAX_DEPTH} deep. PixelMed
 * recurses once per nesting level (20 000 nested items overflow the stack) and tries to allocate
 * whatever a value length claims (a 2 GB OutOfMemoryError it logs and swallows, returning a partial
 * header); both are excluded by this walk. It also tells a Part 10 file from a raw dataset (no
 * preamble, no File Meta, as older exports write them) and where the pixel data is.
 */
final class DatasetScanner {
  /** Deeper than any IOD defines (the SEG's own nesting is 4); hostile files nest thousands deep. */
  static final int MAX_DEPTH = 32;
  /** Upper bound for an inflated Deflated-syntax dataset. */
  static final long MAX_INFLATED_BYTES = 1L << 30;

  static final String IMPLICIT_LE = "1.2.840.10008.1.2";
  static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
  static final String DEFLATED_LE = "1.2.840.10008.1.2.1.99";
  static final String EXPLICIT_BE = "1.2.840.10008.1.2.2";

  private static final int UNDEFINED = -1;
  private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV");

  /** What the walk found: container form, transfer syntax, and the pixel data's form. */
  record Result(boolean part10, String transferSyntaxUid, String mediaStorageSopClassUid, boolean hasPixelData,
      boolean encapsulatedPixelData, long pixelDataLength, int pixelDataValueOffset) {}

  private byte[] b;
  private final String who;
  private boolean bigEndian;
  private boolean implicit;
  private boolean hasPixelData;
  private boolean encapsulated;
  private long pixelLength;
  private int pixelValueOffset = UNDEFINED;

  private DatasetScanner(byte[] bytes, String who) {
    this.b = bytes;
    this.who = who;
  }

  /** Null when the bytes look like neither a Part 10 file nor a raw dataset (a text file, a NIfTI, ...). */
  static Result scan(byte[] bytes, String who) throws SeriesAssemblyException {
    return new DatasetScanner(bytes, who).run();
  }

  private Result run() throws SeriesAssemblyException {
    boolean part10 = b.length >= 132 && b[128] == 'D' && b[129] == 'I' && b[130] == 'C' && b[131] == 'M';
    int pos;
    String ts;
    String mediaClass = null;
    if (part10) {
      int[] end = new int[1];
      String[] meta = readMeta(132, end);
      ts = meta[0] == null || meta[0].isEmpty() ? IMPLICIT_LE : meta[0];
      mediaClass = meta[1];
      pos = end[0];
    } else {
      ts = guessRawSyntax();
      if (ts == null) return null;
      pos = 0;
    }
    if (ts.equals(DEFLATED_LE)) {
      b = inflate(pos);
      pos = 0;
    }
    implicit = ts.equals(IMPLICIT_LE);
    bigEndian = ts.equals(EXPLICIT_BE);
    while (pos < b.length) {
      if (b.length - pos < 8 && zeros(pos)) break; // a few bytes of trailing padding, as some writers leave
      pos = element(pos, b.length, 0);
    }
    return new Result(part10, ts, mediaClass, hasPixelData, encapsulated, pixelLength, pixelValueOffset);
  }

  /** Group 0002 is always Explicit VR Little Endian. Returns {TransferSyntaxUID, MediaStorageSOPClassUID}. */
  private String[] readMeta(int pos, int[] end) throws SeriesAssemblyException {
    String ts = null, media = null;
    while (pos + 8 <= b.length && u16le(pos) == 0x0002) {
      int element = u16le(pos + 2);
      String vr = new String(b, pos + 4, 2, StandardCharsets.US_ASCII);
      long len;
      int header;
      if (LONG_VRS.contains(vr)) {
        need(pos, 12, "File Meta Information");
        len = u32le(pos + 8);
        header = 12;
      } else {
        len = u16le(pos + 6);
        header = 8;
      }
      if (pos + header + len > b.length) throw bad("(0002," + hex(element) + ") value length " + len + " runs past the end of the file");
      String value = new String(b, pos + header, (int) len, StandardCharsets.US_ASCII).replace("\0", "").trim();
      if (element == 0x0010) ts = value;
      if (element == 0x0002) media = value;
      pos += header + (int) len;
    }
    end[0] = pos;
    return new String[] {ts, media};
  }

  /**
   * A raw dataset starts with an even group below the pixel data, element lengths that fit, and
   * either a two-letter VR (explicit) or none (implicit); anything else is not DICOM.
   */
  private String guessRawSyntax() {
    if (b.length < 8) return null;
    int group = u16le(0);
    if (group < 0x0002 || group > 0x0010 || (group & 1) != 0) return null;
    boolean vrLetters = Character.isUpperCase(b[4]) && Character.isUpperCase(b[5]);
    if (vrLetters) return EXPLICIT_LE;
    long len = u32le(4);
    return len <= b.length - 8 ? IMPLICIT_LE : null;
  }

  /** Walks one element at {@code pos} (at {@code depth} sequences deep) and returns the position after it. */
  private int element(int pos, int stop, int depth) throws SeriesAssemblyException {
    need(pos, 8, "an element header");
    int group = u16(pos), element = u16(pos + 2);
    if (group == 0xFFFE) throw bad("unexpected delimiter (FFFE," + hex(element) + ") at byte " + pos);
    String vr;
    long len;
    int header;
    if (implicit) {
      vr = implicitVr(group, element);
      len = u32(pos + 4);
      header = 8;
    } else {
      vr = new String(b, pos + 4, 2, StandardCharsets.US_ASCII);
      if (LONG_VRS.contains(vr)) {
        need(pos, 12, "an element header");
        len = u32(pos + 8);
        header = 12;
      } else {
        len = u16(pos + 6);
        header = 8;
      }
    }
    pos += header;
    String tag = tagText(group, element);
    boolean pixelData = group == 0x7FE0 && element == 0x0010 && depth == 0;
    if (pixelData) {
      hasPixelData = true;
      encapsulated = len == 0xFFFFFFFFL;
      pixelLength = encapsulated ? UNDEFINED : len;
      pixelValueOffset = pos;
    }
    if (len == 0xFFFFFFFFL) return sequence(pos, stop, UNDEFINED, depth + 1, tag, pixelData);
    if (len > stop - pos) {
      throw bad(tag + " value length " + len + " exceeds the " + (stop - pos) + " bytes left"
          + (depth > 0 ? " in its sequence item" : "") + " (truncated or corrupt file)");
    }
    if ("SQ".equals(vr)) sequence(pos, pos + (int) len, (int) len, depth + 1, tag, false);
    return pos + (int) len;
  }

  /** Walks items up to the sequence delimiter (undefined length) or to the defined end; returns the position after it. */
  private int sequence(int pos, int end, int length, int depth, String tag, boolean fragments) throws SeriesAssemblyException {
    if (depth > MAX_DEPTH) throw bad("sequences nested deeper than " + MAX_DEPTH + " levels at " + tag + " (hostile file?)");
    int stop = length == UNDEFINED ? end : pos + length;
    while (pos < stop) {
      need(pos, 8, "an item header");
      int group = u16(pos), element = u16(pos + 2);
      long len = u32(pos + 4);
      pos += 8;
      if (group != 0xFFFE) throw bad(tag + " holds " + tagText(group, element) + " where an item was expected");
      if (element == 0xE0DD) {
        if (length != UNDEFINED) throw bad(tag + " has a sequence delimiter inside a defined length");
        return pos;
      }
      if (element != 0xE000) throw bad(tag + " holds (FFFE," + hex(element) + ") where an item was expected");
      if (len == 0xFFFFFFFFL) {
        if (fragments) throw bad("a pixel data fragment has an undefined length");
        pos = itemUntilDelimiter(pos, stop, depth);
        continue;
      }
      if (len > stop - pos) throw bad(tag + " item length " + len + " exceeds the " + (stop - pos) + " bytes left (truncated or corrupt file)");
      if (!fragments) {
        int itemEnd = pos + (int) len;
        int p = pos;
        while (p < itemEnd) p = element(p, itemEnd, depth);
      }
      pos += (int) len;
    }
    if (length == UNDEFINED) throw bad(tag + " has no sequence delimiter (truncated file)");
    return pos;
  }

  private int itemUntilDelimiter(int pos, int stop, int depth) throws SeriesAssemblyException {
    while (pos < stop) {
      need(pos, 8, "an element header");
      if (u16(pos) == 0xFFFE && u16(pos + 2) == 0xE00D) return pos + 8;
      pos = element(pos, stop, depth);
    }
    throw bad("an undefined-length item has no item delimiter (truncated file)");
  }

  private static String implicitVr(int group, int element) {
    byte[] vr = DicomDictionary.StandardDictionary.getValueRepresentationFromTag(new AttributeTag(group, element));
    return vr == null ? "UN" : new String(vr, StandardCharsets.US_ASCII);
  }

  private byte[] inflate(int pos) throws SeriesAssemblyException {
    Inflater inflater = new Inflater(true);
    inflater.setInput(b, pos, b.length - pos);
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, (b.length - pos) * 4));
    byte[] buf = new byte[1 << 16];
    try {
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) break;
        out.write(buf, 0, n);
        if (out.size() > MAX_INFLATED_BYTES) throw bad("the deflated dataset inflates beyond " + MAX_INFLATED_BYTES + " bytes (hostile file?)");
      }
    } catch (DataFormatException e) {
      throw bad("the deflated dataset is corrupt: " + e.getMessage());
    } finally {
      inflater.end();
    }
    return out.toByteArray();
  }

  private boolean zeros(int from) {
    for (int i = from; i < b.length; i++) if (b[i] != 0) return false;
    return true;
  }

  private void need(int pos, int n, String what) throws SeriesAssemblyException {
    if (pos + n > b.length) throw bad("the file ends inside " + what + " at byte " + pos + " (truncated file)");
  }

  private SeriesAssemblyException bad(String message) {
    return new SeriesAssemblyException(Reason.UNREADABLE, who, null, message);
  }

  private int u16(int p) {
    return bigEndian ? ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF) : u16le(p);
  }

  private long u32(int p) {
    if (!bigEndian) return u32le(p);
    return ((long) (b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
  }

  private int u16le(int p) {
    return (b[p] & 0xFF) | ((b[p + 1] & 0xFF) << 8);
  }

  private long u32le(int p) {
    return (b[p] & 0xFFL) | ((b[p + 1] & 0xFFL) << 8) | ((b[p + 2] & 0xFFL) << 16) | ((b[p + 3] & 0xFFL) << 24);
  }

  private static String hex(int v) {
    return String.format("%04X", v);
  }

  private static String tagText(int group, int element) {
    return "(" + hex(group) + "," + hex(element) + ")";
  }
}
