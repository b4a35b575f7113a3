package org.secaimed.dicom.geometry;

import static org.secaimed.dicom.geometry.DicomAttributes.doubles;
import static org.secaimed.dicom.geometry.DicomAttributes.integer;
import static org.secaimed.dicom.geometry.DicomAttributes.string;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import org.secaimed.dicom.geometry.SeriesAssemblyException.Reason;

/** Turns a grey-scale instance's PixelData into stored values per frame, then into modality values. */
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

  /** Stored values (sign and BitsStored applied), one int[] of rows*columns per frame. */
  static int[][] decode(AttributeList list, String who, int rows, int columns, int frames) throws SeriesAssemblyException {
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
    int[][] out = new int[frames][frameSize];
    try {
      if (bitsAllocated == 16) {
        short[] v = pixelData.getShortValues();
        if (v == null || v.length < needed) throw truncated(who, v == null ? 0 : v.length, needed);
        for (int f = 0; f < frames; f++) {
          int[] o = out[f];
          int base = f * frameSize;
          for (int i = 0; i < frameSize; i++) o[i] = value(v[base + i] & 0xFFFF, bitsStored, signed);
        }
      } else {
        byte[] v = pixelData.getByteValues();
        if (v == null || v.length < needed) throw truncated(who, v == null ? 0 : v.length, needed);
        for (int f = 0; f < frames; f++) {
          int[] o = out[f];
          int base = f * frameSize;
          for (int i = 0; i < frameSize; i++) o[i] = value(v[base + i] & 0xFF, bitsStored, signed);
        }
      }
    } catch (DicomException e) {
      throw new SeriesAssemblyException(Reason.UNSUPPORTED_PIXELS, who, "PixelData", "cannot read pixel values: " + e.getMessage(), e);
    }
    return out;
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

  /** Applies Rescale Slope/Intercept (CT to HU); the result must fit a signed 16-bit value. */
  static short[] rescale(int[] stored, AttributeList transform, String who) throws SeriesAssemblyException {
    double[] slopeV = doubles(transform, "RescaleSlope");
    double[] interceptV = doubles(transform, "RescaleIntercept");
    double slope = slopeV == null || slopeV.length == 0 ? 1 : slopeV[0];
    double intercept = interceptV == null || interceptV.length == 0 ? 0 : interceptV[0];
    short[] out = new short[stored.length];
    boolean integral = slope == Math.rint(slope) && intercept == Math.rint(intercept);
    int is = (int) slope, ii = (int) intercept;
    for (int i = 0; i < stored.length; i++) {
      long v = integral ? (long) stored[i] * is + ii : Math.round(stored[i] * slope + intercept);
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
