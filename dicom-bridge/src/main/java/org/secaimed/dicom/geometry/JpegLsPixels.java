package org.secaimed.dicom.geometry;

import static org.secaimed.dicom.geometry.DicomAttributes.integer;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.TagFromName;
import java.io.ByteArrayOutputStream;
import org.secaimed.dicom.geometry.SeriesAssemblyException.Reason;
import org.secaimed.dicom.jpegls.JpegLsDecoder;
import org.secaimed.dicom.jpegls.JpegLsException;

/**
 * Decodes encapsulated JPEG-LS pixel data (transfer syntaxes .80 and .81) with our own
 * {@link JpegLsDecoder} and attaches it to the parsed list as native PixelData, so the rest of the
 * pipeline sees what it sees for uncompressed instances. The output buffer is sized from the DICOM
 * attributes (Rows, Columns, SamplesPerPixel, BitsAllocated, NumberOfFrames), checked against the
 * memory available and against the least a valid stream of that size can weigh, before anything is
 * allocated; every frame header must then agree with those attributes.
 */
final class JpegLsPixels {
  static final String LOSSLESS = "1.2.840.10008.1.2.4.80";
  static final String NEAR_LOSSLESS = "1.2.840.10008.1.2.4.81";

  private JpegLsPixels() {}

  static boolean handles(String transferSyntaxUid) {
    return LOSSLESS.equals(transferSyntaxUid) || NEAR_LOSSLESS.equals(transferSyntaxUid);
  }

  /** {@code valueOffset} is where the encapsulated PixelData's first item starts in {@code bytes}. */
  static void attach(AttributeList list, byte[] bytes, int valueOffset, String who) throws SeriesAssemblyException {
    int rows = positive(list, "Rows", who), columns = positive(list, "Columns", who);
    Integer sppObj = integer(list, "SamplesPerPixel"), framesObj = integer(list, "NumberOfFrames"), ba = integer(list, "BitsAllocated");
    int spp = sppObj == null ? 1 : sppObj, frames = framesObj == null ? 1 : framesObj;
    if (spp != 1 && spp != 3) throw new SeriesAssemblyException(Reason.UNSUPPORTED_PIXELS, who, "SamplesPerPixel", spp + " samples per pixel (1 or 3)");
    if (ba == null || (ba != 8 && ba != 16)) throw new SeriesAssemblyException(Reason.UNSUPPORTED_PIXELS, who, "BitsAllocated", "BitsAllocated " + ba + " (only 8 or 16)");
    if (frames < 1) throw new SeriesAssemblyException(Reason.MISSING_ATTRIBUTE, who, "NumberOfFrames", "NumberOfFrames " + frames);
    byte[] stream = fragments(bytes, valueOffset, who);
    long frameSamples = (long) rows * columns * spp;
    long samples = frameSamples * frames;
    // Each line of each component costs at least one bit, even when a single run covers it.
    if ((long) rows * spp * frames > 8L * stream.length) {
      throw unreadable(who, "the JPEG-LS data (" + stream.length + " bytes) is far too short for " + frames + " frame(s) of " + rows + " rows (truncated?)");
    }
    // The pipeline then holds the decoded samples once more as int: bound both before allocating.
    long needed = samples * (2 + 4);
    if (samples > Integer.MAX_VALUE - 8 || needed > Runtime.getRuntime().maxMemory() / 2) {
      throw new SeriesAssemblyException(Reason.UNSUPPORTED_PIXELS, who, "Rows",
          rows + "x" + columns + "x" + spp + " samples in " + frames + " frame(s) are too large to decode in this process");
    }
    short[] out = new short[(int) samples];
    JpegLsDecoder.Expected expected = new JpegLsDecoder.Expected(columns, rows, spp, ba);
    int at = 0;
    for (int f = 0; f < frames; f++) {
      while (at < stream.length && stream[at] == 0) at++; // fragments are padded to even length with 0x00
      try {
        at = JpegLsDecoder.decode(stream, at, stream.length, expected, out, (int) (f * frameSamples));
      } catch (JpegLsException e) {
        Reason reason = e.unsupported() ? Reason.UNSUPPORTED_PIXELS : Reason.UNREADABLE;
        SeriesAssemblyException x = new SeriesAssemblyException(reason, who, "PixelData", "JPEG-LS frame " + (f + 1) + " of " + frames + ": " + e.getMessage());
        x.initCause(e);
        throw x;
      }
    }
    try {
      if (ba == 16) {
        OtherWordAttribute a = new OtherWordAttribute(TagFromName.PixelData);
        a.setValues(out);
        list.put(a);
      } else {
        byte[] b = new byte[out.length];
        for (int i = 0; i < out.length; i++) b[i] = (byte) out[i];
        OtherByteAttribute a = new OtherByteAttribute(TagFromName.PixelData);
        a.setValues(b);
        list.put(a);
      }
    } catch (DicomException e) {
      throw new SeriesAssemblyException(Reason.UNREADABLE, who, "PixelData", "cannot hold the decoded pixels: " + e.getMessage(), e);
    }
  }

  /**
   * The fragments of encapsulated pixel data, concatenated (PS3.5 A.4): the Basic Offset Table item
   * is skipped, because JPEG-LS frames are self-delimiting (SOI ... EOI) and decoded in order.
   */
  private static byte[] fragments(byte[] b, int pos, String who) throws SeriesAssemblyException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean first = true;
    while (true) {
      if (pos < 0 || pos + 8 > b.length) throw unreadable(who, "the encapsulated pixel data ends without a sequence delimiter (truncated file?)");
      int group = u16le(b, pos), element = u16le(b, pos + 2);
      long len = u32le(b, pos + 4);
      pos += 8;
      if (group == 0xFFFE && element == 0xE0DD) break;
      if (group != 0xFFFE || element != 0xE000 || len > b.length - pos) throw unreadable(who, "malformed pixel data fragment item");
      if (!first) out.write(b, pos, (int) len);
      first = false;
      pos += (int) len;
    }
    if (out.size() == 0) throw unreadable(who, "the encapsulated pixel data has no fragments");
    return out.toByteArray();
  }

  private static int positive(AttributeList list, String keyword, String who) throws SeriesAssemblyException {
    Integer v = integer(list, keyword);
    if (v == null || v < 1) throw new SeriesAssemblyException(Reason.MISSING_ATTRIBUTE, who, keyword, keyword + " is missing or not positive");
    return v;
  }

  private static SeriesAssemblyException unreadable(String who, String message) {
    return new SeriesAssemblyException(Reason.UNREADABLE, who, "PixelData", message);
  }

  private static int u16le(byte[] b, int p) {
    return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
  }

  private static long u32le(byte[] b, int p) {
    return (b[p] & 0xFFL) | (b[p + 1] & 0xFFL) << 8 | (b[p + 2] & 0xFFL) << 16 | (b[p + 3] & 0xFFL) << 24;
  }
}
