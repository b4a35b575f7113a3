package org.secaimed.dicom.jpegls;

/**
 * Reads the entropy-coded bits of one JPEG-LS scan (T.87 A.1, 9.1). After a 0xFF byte the encoder
 * stuffs a 0 bit, so the next byte carries only 7 data bits; a 0xFF followed by a byte with its high
 * bit set is a marker, which ends the scan. Running into a marker or the end of the data before the
 * scan is complete is a truncated stream, never a silent zero fill.
 */
final class BitReader {
  private final byte[] data;
  private final int end;
  private int pos;
  private long bits;
  private int count;
  private boolean lastWasFF;

  BitReader(byte[] data, int start, int end) {
    this.data = data;
    this.pos = start;
    this.end = end;
  }

  private void fill() throws JpegLsException {
    if (pos >= end) throw JpegLsException.malformed("the scan data ends before every sample is decoded (truncated stream)");
    int b = data[pos] & 0xFF;
    if (lastWasFF) {
      if (b >= 0x80) throw JpegLsException.malformed("a marker interrupts the scan data before every sample is decoded (truncated stream)");
      bits = (bits << 7) | b;
      count += 7;
    } else {
      bits = (bits << 8) | b;
      count += 8;
    }
    lastWasFF = b == 0xFF;
    pos++;
  }

  int bit() throws JpegLsException {
    if (count == 0) fill();
    count--;
    return (int) (bits >>> count) & 1;
  }

  /** {@code n} bits, most significant first; n <= 16. */
  int bits(int n) throws JpegLsException {
    while (count < n) fill();
    count -= n;
    return (int) (bits >>> count) & ((1 << n) - 1);
  }

  /** Counts 0 bits up to the next 1 bit (consumed); more than {@code max} zeros is a corrupt code. */
  int zeros(int max) throws JpegLsException {
    int n = 0;
    while (true) {
      if (count == 0) fill();
      long window = bits & ((1L << count) - 1); // the unread bits, at most 24
      if (window != 0) {
        int lead = count - (64 - Long.numberOfLeadingZeros(window)); // a whole run of zeros at once
        n += lead;
        if (n > max) break;
        count -= lead + 1;
        return n;
      }
      n += count;
      count = 0;
      if (n > max) break;
    }
    throw JpegLsException.malformed("a Golomb code is longer than LIMIT allows (corrupt stream)");
  }

  /**
   * Where the next marker starts once the scan is complete: the encoder pads the last byte with 0
   * bits (and a 0x00 after a final 0xFF), so skip the rest of the current byte and look for 0xFF.
   */
  int markerPosition() throws JpegLsException {
    int p = pos;
    if (lastWasFF && p < end && (data[p] & 0xFF) < 0x80) p++; // the stuffed byte after a final 0xFF
    while (p < end && (data[p] & 0xFF) != 0xFF) p++; // tolerate stray padding bytes before the marker
    if (p >= end) throw JpegLsException.malformed("no marker after the scan data (truncated stream)");
    return p;
  }
}
