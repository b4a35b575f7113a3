package org.secaimed.dicom.jpegls;

/**
 * A small pure-Java JPEG-LS decoder (ITU-T T.87 / ISO/IEC 14495-1) for DICOM transfer syntaxes
 * 1.2.840.10008.1.2.4.80 (lossless) and .81 (near-lossless). Hand-written because no maintained
 * pure-Java JPEG-LS decoder is published on Maven Central or in Debian (docs/decisions.md); replace
 * it with such a library (or a CharLS binding, should the enclave ever admit native code) when one exists.
 *
 * <p>Supports: SOF55 frames of 1 to 4 components with 2 to 16 bits per sample, LSE preset coding
 * parameters (id 1, defaults where 0), NEAR >= 0, interleave modes none, line and sample. Refuses
 * with {@link JpegLsException#unsupported()}: mapping tables, restart intervals, point transform,
 * sub-sampling, DNL-defined heights, and frames other than what the caller expects.
 *
 * <p>The caller states what it expects from the DICOM attributes and owns the output buffer, so a
 * hostile header can never make this class allocate more than two image lines per component.
 */
public final class JpegLsDecoder {
  private static final int SOI = 0xD8, EOI = 0xD9, SOS = 0xDA, DRI = 0xDD, COM = 0xFE, SOF55 = 0xF7, LSE = 0xF8;

  /** What the DICOM attributes say the frame must be. */
  public record Expected(int width, int height, int components, int maxBitsPerSample) {}

  private final byte[] d;
  private final int end;
  private final Expected expected;
  private int pos;
  private int bitsPerSample;
  private int[] componentIds;
  private final int[] preset = new int[5];

  private JpegLsDecoder(byte[] d, int start, int end, Expected expected) {
    this.d = d;
    this.pos = start;
    this.end = end;
    this.expected = expected;
  }

  /**
   * Decodes one JPEG-LS image starting at {@code start} (its SOI) into {@code out}, pixel-interleaved
   * (component c of pixel i at {@code offset + i * components + c}), samples as unsigned values.
   * Returns the position just after the EOI marker.
   */
  public static int decode(byte[] data, int start, int end, Expected expected, short[] out, int offset) throws JpegLsException {
    long samples = (long) expected.width() * expected.height() * expected.components();
    if (offset < 0 || offset + samples > out.length) throw new IllegalArgumentException("output buffer too small");
    return new JpegLsDecoder(data, start, Math.min(end, data.length), expected).run(out, offset);
  }

  private int run(short[] out, int offset) throws JpegLsException {
    if (marker() != SOI) throw JpegLsException.malformed("the stream does not start with an SOI marker (not JPEG-LS)");
    boolean[] done = null;
    while (true) {
      int m = marker();
      switch (m) {
        case SOF55 -> {
          if (componentIds != null) throw JpegLsException.malformed("more than one frame header");
          frame(segment());
          done = new boolean[componentIds.length];
        }
        case LSE -> presets(segment());
        case DRI -> {
          int at = segment();
          if (length(at) >= 4 && u16(at + 2) != 0) throw JpegLsException.unsupported("restart intervals are not supported");
        }
        case SOS -> {
          if (componentIds == null) throw JpegLsException.malformed("a scan comes before the frame header");
          scan(segment(), done, out, offset);
        }
        case EOI -> {
          if (done == null) throw JpegLsException.malformed("no frame before the EOI marker");
          for (boolean b : done) if (!b) throw JpegLsException.malformed("a component has no scan (truncated stream?)");
          return pos;
        }
        default -> {
          if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            throw JpegLsException.unsupported("a JPEG (not JPEG-LS) frame header, marker 0xFF" + Integer.toHexString(m).toUpperCase());
          }
          if ((m >= 0xE0 && m <= 0xEF) || m == COM) segment(); // application data and comments are skipped
          else throw JpegLsException.malformed("unexpected marker 0xFF" + Integer.toHexString(m).toUpperCase());
        }
      }
    }
  }

  /** SOF55 (T.87 C.2.2): P, Y, X, Nf, then Ci, HiVi, Tqi per component. */
  private void frame(int at) throws JpegLsException {
    int len = length(at);
    if (len < 8) throw JpegLsException.malformed("frame header too short");
    bitsPerSample = d[at + 2] & 0xFF;
    int height = u16(at + 3), width = u16(at + 5), nf = d[at + 7] & 0xFF;
    if (len != 8 + 3 * nf) throw JpegLsException.malformed("frame header length does not match its " + nf + " components");
    if (bitsPerSample < 2 || bitsPerSample > 16 || bitsPerSample > expected.maxBitsPerSample()) {
      throw JpegLsException.malformed(bitsPerSample + " bits per sample in the frame header, the DICOM attributes allow 2.." + expected.maxBitsPerSample());
    }
    if (height == 0) throw JpegLsException.unsupported("a frame height defined by a DNL marker is not supported");
    if (width != expected.width() || height != expected.height() || nf != expected.components()) {
      throw JpegLsException.malformed("the frame header says " + width + "x" + height + " with " + nf + " components, the DICOM attributes say "
          + expected.width() + "x" + expected.height() + " with " + expected.components());
    }
    componentIds = new int[nf];
    for (int i = 0; i < nf; i++) {
      componentIds[i] = d[at + 8 + 3 * i] & 0xFF;
      for (int j = 0; j < i; j++) if (componentIds[j] == componentIds[i]) throw JpegLsException.malformed("duplicate component id");
      if ((d[at + 9 + 3 * i] & 0xFF) != 0x11) throw JpegLsException.unsupported("sub-sampled components are not supported");
    }
  }

  /** LSE (C.2.4.1): only id 1, the preset coding parameters. */
  private void presets(int at) throws JpegLsException {
    int len = length(at);
    if (len < 3) throw JpegLsException.malformed("LSE segment too short");
    int id = d[at + 2] & 0xFF;
    if (id != 1) throw JpegLsException.unsupported("LSE id " + id + " (mapping tables or extended dimensions) is not supported");
    if (len != 13) throw JpegLsException.malformed("LSE preset parameters must be 13 bytes long");
    for (int i = 0; i < 5; i++) preset[i] = u16(at + 3 + 2 * i);
  }

  /** SOS (C.2.3): Ns, (Ci, Tmi) per component, NEAR, ILV, point transform; then the coded data. */
  private void scan(int at, boolean[] done, short[] out, int offset) throws JpegLsException {
    int len = length(at);
    if (len < 3) throw JpegLsException.malformed("scan header too short");
    int ns = d[at + 2] & 0xFF;
    if (ns < 1 || ns > componentIds.length || len != 6 + 2 * ns) throw JpegLsException.malformed("scan header does not match its component count");
    int[] components = new int[ns];
    for (int i = 0; i < ns; i++) {
      int id = d[at + 3 + 2 * i] & 0xFF;
      int index = -1;
      for (int j = 0; j < componentIds.length; j++) if (componentIds[j] == id) index = j;
      if (index < 0 || done[index]) throw JpegLsException.malformed("scan names component " + id + " that is unknown or already decoded");
      if ((d[at + 4 + 2 * i] & 0xFF) != 0) throw JpegLsException.unsupported("mapping tables are not supported");
      done[index] = true;
      components[i] = index;
    }
    int near = d[at + 3 + 2 * ns] & 0xFF;
    int ilv = d[at + 4 + 2 * ns] & 0xFF;
    if ((d[at + 5 + 2 * ns] & 0x0F) != 0) throw JpegLsException.unsupported("a point transform is not supported");
    if (ilv > 2 || (ilv == 0 && ns != 1)) throw JpegLsException.malformed("interleave mode " + ilv + " with " + ns + " components");
    CodingParameters params = new CodingParameters(bitsPerSample, near, preset);
    BitReader bits = new BitReader(d, pos, end);
    new ScanDecoder(params, bits, expected.width(), expected.height()).decode(components, ilv == 2 && ns > 1, out, offset, componentIds.length);
    pos = bits.markerPosition();
  }

  /** Reads a marker, skipping fill bytes (0xFF 0xFF ...). */
  private int marker() throws JpegLsException {
    if (pos + 2 > end || (d[pos] & 0xFF) != 0xFF) throw JpegLsException.malformed("a marker was expected at byte " + pos + " (truncated or corrupt stream)");
    while (pos < end && (d[pos] & 0xFF) == 0xFF) pos++;
    if (pos >= end) throw JpegLsException.malformed("the stream ends inside a marker (truncated stream)");
    return d[pos++] & 0xFF;
  }

  /** Skips a marker segment; returns where it starts (at its length field). */
  private int segment() throws JpegLsException {
    if (pos + 2 > end) throw JpegLsException.malformed("the stream ends inside a marker segment (truncated stream)");
    int at = pos;
    int len = u16(at);
    if (len < 2 || at + len > end) throw JpegLsException.malformed("a marker segment runs past the end of the stream (truncated stream)");
    pos = at + len;
    return at;
  }

  private int length(int at) {
    return u16(at);
  }

  private int u16(int at) {
    return (d[at] & 0xFF) << 8 | (d[at + 1] & 0xFF);
  }
}
