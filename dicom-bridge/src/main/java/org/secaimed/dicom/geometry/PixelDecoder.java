package org.secaimed.dicom.geometry;

import static org.secaimed.dicom.geometry.DicomAttributes.doubles;
import static org.secaimed.dicom.geometry.DicomAttributes.integer;
import static org.secaimed.dicom.geometry.DicomAttributes.string;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import org.secaimed.dicom.geometry.SeriesAssemblyException.Reason;

/** Turns a grey-scale instance's PixelData into modality values, frame by frame. */
final class PixelDecoder {
  private PixelDecoder() {}

  /**
   * PixelMed logs and swallows a truncated PixelData element, returning the list without it: an
   * image instance without complete pixel data is therefore reported as unreadable here.
   */
  static void checkComplete(AttributeList list, String who, int rows, int columns, int frames, InstanceReader.Parsed parsed)
      throws SeriesAssemblyException {
    Attribute pixelData = list.getPixelData();
    Integer bitsAllocated = integer(list, "BitsAllocated");
    Integer spp = integer(list, "SamplesPerPixel");
    long needed = (long) rows * columns * frames * (spp == null ? 1 : spp) * (bitsAllocated == null ? 16 : bitsAllocated) / 8;
    if (parsed != null && pixelData == null) {
      // Read up to the pixel data only (geometry): the structural scan has seen it whole.
      if (!parsed.hasPixelData()) throw new SeriesAssemblyException(Reason.UNREADABLE, who, "PixelData", "no pixel data");
      if (!parsed.encapsulatedPixelData() && parsed.pixelDataLength() < needed) throw shortPixels(who, parsed.pixelDataLength(), needed);
      return;
    }
    if (pixelData == null) {
      throw new SeriesAssemblyException(Reason.UNREADABLE, who, "PixelData", "no pixel data (truncated file?)");
    }
    if (pixelData.getVL() < needed) {
      throw new SeriesAssemblyException(Reason.UNREADABLE, who, "PixelData",
          "pixel data has " + pixelData.getVL() + " bytes, the image needs " + needed + " (truncated file?)");
    }
  }

  private static SeriesAssemblyException shortPixels(String who, long have, long needed) {
    return new SeriesAssemblyException(Reason.UNREADABLE, who, "PixelData",
        "pixel data has " + have + " bytes, the image needs " + needed + " (truncated file?)");
  }

  /**
   * An instance's stored pixel values, checked (grey-scale, 8 or 16 bits allocated, complete) and
   * turned into modality values frame by frame ({@link #rescaled}): one pass per frame from
   * PixelMed's array, no intermediate copy of the instance (a 512x512x290 study used to make 300 MB
   * of int arrays on the way).
   */
  static final class Stored {
    private final short[] words;
    private final byte[] bytes;
    private final int frameSize;
    private final int bitsStored;
    private final boolean signed;

    private Stored(short[] words, byte[] bytes, int frameSize, int bitsStored, boolean signed) {
      this.words = words;
      this.bytes = bytes;
      this.frameSize = frameSize;
      this.bitsStored = bitsStored;
      this.signed = signed;
    }

    /** Frame {@code f} (0-based) in modality values (Rescale Slope/Intercept of {@code transform}); must fit 16 bits signed. */
    short[] rescaled(int f, AttributeList transform, String who) throws SeriesAssemblyException {
      double[] slopeV = doubles(transform, "RescaleSlope");
      double[] interceptV = doubles(transform, "RescaleIntercept");
      double slope = slopeV == null || slopeV.length == 0 ? 1 : slopeV[0];
      double intercept = interceptV == null || interceptV.length == 0 ? 0 : interceptV[0];
      short[] out = new short[frameSize];
      int base = f * frameSize;
      boolean integral = slope == Math.rint(slope) && intercept == Math.rint(intercept)
          && Math.abs(slope) <= 1 << 15 && Math.abs(intercept) <= 1 << 30;
      if (integral && words != null && bitsStored == 16) {
        // The common CT case in one tight loop; the range is checked once, from the frame's extremes.
        int is = (int) slope, ii = (int) intercept;
        long min = Long.MAX_VALUE, max = Long.MIN_VALUE;
        for (int i = 0; i < frameSize; i++) {
          int stored = signed ? words[base + i] : words[base + i] & 0xFFFF;
          long v = (long) stored * is + ii;
          min = Math.min(min, v);
          max = Math.max(max, v);
          out[i] = (short) v;
        }
        if (min >= Short.MIN_VALUE && max <= Short.MAX_VALUE) return out;
      }
      for (int i = 0; i < frameSize; i++) {
        int stored = value(words != null ? words[base + i] & 0xFFFF : bytes[base + i] & 0xFF, bitsStored, signed);
        long v = integral ? (long) stored * (long) slope + (long) intercept : Math.round(stored * slope + intercept);
        if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
          throw new SeriesAssemblyException(Reason.VALUE_OUT_OF_RANGE, who, "PixelData",
              "rescaled value " + v + " (slope " + slope + ", intercept " + intercept + ", " + string(transform, "RescaleType")
                  + ") does not fit the 16-bit volume");
        }
        out[i] = (short) v;
      }
      return out;
    }
  }

  /** Checks the pixel description and that PixelData holds every frame; the values are read per frame by {@link Stored#rescaled}. */
  static Stored stored(AttributeList list, String who, int rows, int columns, int frames) throws SeriesAssemblyException {
    Integer spp = integer(list, "SamplesPerPixel");
    if (spp != null && spp != 1) {
      throw new SeriesAssemblyException(Reason.UNSUPPORTED_PIXELS, who, "SamplesPerPixel", spp + " samples per pixel (only grey-scale images)");
    }
    Integer bitsAllocated = integer(list, "BitsAllocated");
    if (bitsAllocated == null || (bitsAllocated != 8 && bitsAllocated != 16)) {
      throw new SeriesAssemblyException(Reason.UNSUPPORTED_PIXELS, who, "BitsAllocated", "BitsAllocated " + bitsAllocated + " (only 8 or 16)");
    }
    Integer bitsStoredObj = integer(list, "BitsStored");
    int bitsStored = bitsStoredObj == null ? bitsAllocated : bitsStoredObj;
    if (bitsStored < 1 || bitsStored > bitsAllocated) {
      throw new SeriesAssemblyException(Reason.UNSUPPORTED_PIXELS, who, "BitsStored", "BitsStored " + bitsStored + " with BitsAllocated " + bitsAllocated);
    }
    Integer pr = integer(list, "PixelRepresentation");
    boolean signed = pr != null && pr == 1;
    Attribute pixelData = list.getPixelData();
    if (pixelData == null) throw new SeriesAssemblyException(Reason.MISSING_ATTRIBUTE, who, "PixelData", "PixelData is missing");
    int frameSize = rows * columns;
    long needed = (long) frameSize * frames;
    try {
      if (bitsAllocated == 16) {
        short[] v = pixelData.getShortValues();
        if (v == null || v.length < needed) throw truncated(who, v == null ? 0 : v.length, needed);
        return new Stored(v, null, frameSize, bitsStored, signed);
      }
      byte[] v = pixelData.getByteValues();
      if (v == null || v.length < needed) throw truncated(who, v == null ? 0 : v.length, needed);
      return new Stored(null, v, frameSize, bitsStored, signed);
    } catch (DicomException e) {
      throw new SeriesAssemblyException(Reason.UNSUPPORTED_PIXELS, who, "PixelData", "cannot read pixel values: " + e.getMessage(), e);
    }
  }

  private static int value(int raw, int bitsStored, boolean signed) {
    int v = bitsStored >= 32 ? raw : raw & ((1 << bitsStored) - 1);
    if (signed && (v & (1 << (bitsStored - 1))) != 0) v -= 1 << bitsStored;
    return v;
  }

  private static SeriesAssemblyException truncated(String who, long have, long needed) {
    return new SeriesAssemblyException(Reason.UNREADABLE, who, "PixelData",
        "pixel data holds " + have + " values, the image needs " + needed + " (truncated or compressed data)");
  }
}
