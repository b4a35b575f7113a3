package org.secaimed.connector.attest.verify;

import java.util.Arrays;
import org.secaimed.connector.attest.EvidenceFormatException;

/** Bounds-checked little-endian reads over evidence bytes; every overrun is a typed error naming the field. */
public final class Bytes {
  private final String format;
  private final byte[] b;

  public Bytes(String format, byte[] bytes) {
    this.format = format;
    this.b = bytes;
  }

  public int length() {
    return b.length;
  }

  public void need(int offset, int length, String field) throws EvidenceFormatException {
    if (offset < 0 || length < 0 || (long) offset + length > b.length) {
      throw new EvidenceFormatException(format, field, "truncated: needs bytes [" + offset + ", " + ((long) offset + length)
          + ") but the evidence has " + b.length);
    }
  }

  public byte[] slice(int offset, int length, String field) throws EvidenceFormatException {
    need(offset, length, field);
    return Arrays.copyOfRange(b, offset, offset + length);
  }

  public int u8(int offset, String field) throws EvidenceFormatException {
    need(offset, 1, field);
    return b[offset] & 0xff;
  }

  public int u16(int offset, String field) throws EvidenceFormatException {
    need(offset, 2, field);
    return (b[offset] & 0xff) | (b[offset + 1] & 0xff) << 8;
  }

  /** Unsigned 32-bit value; callers that use it as a length must bound it themselves. */
  public long u32(int offset, String field) throws EvidenceFormatException {
    need(offset, 4, field);
    return (b[offset] & 0xffL) | (b[offset + 1] & 0xffL) << 8 | (b[offset + 2] & 0xffL) << 16 | (b[offset + 3] & 0xffL) << 24;
  }

  public long u64(int offset, String field) throws EvidenceFormatException {
    need(offset, 8, field);
    long v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | (b[offset + i] & 0xffL);
    return v;
  }

  /** A u32 length that must fit within the remaining bytes from {@code from}. */
  public int length32(int offset, int from, String field) throws EvidenceFormatException {
    long n = u32(offset, field);
    if (n > b.length - (long) from) {
      throw new EvidenceFormatException(format, field, "declares " + n + " bytes but only " + Math.max(0, b.length - from) + " remain");
    }
    return (int) n;
  }

  public static boolean allZero(byte[] a) {
    for (byte x : a) if (x != 0) return false;
    return true;
  }

  public static byte[] reverse(byte[] a) {
    byte[] r = new byte[a.length];
    for (int i = 0; i < a.length; i++) r[i] = a[a.length - 1 - i];
    return r;
  }
}
