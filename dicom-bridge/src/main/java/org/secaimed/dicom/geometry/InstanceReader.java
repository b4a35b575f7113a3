package org.secaimed.dicom.geometry;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import org.secaimed.dicom.geometry.SeriesAssemblyException.Reason;

/**
 * Parses one DICOM instance with PixelMed behind a structural check ({@link DatasetScanner}), so
 * that every failure, including the parser's own StackOverflowError and OutOfMemoryError, becomes a
 * {@link SeriesAssemblyException} naming the instance. Reads Part 10 files and raw datasets (no
 * preamble, no File Meta). Geometry is read from any transfer syntax (the pixel data is not
 * touched); pixels are decoded for the syntaxes in {@link #DECODABLE}.
 */
public final class InstanceReader {

  /**
   * Transfer syntaxes whose pixels this build decodes: PixelMed itself (uncompressed, Deflated, RLE),
   * pixelmed-imageio (JPEG lossless, processes 14 and 14 SV1) and jai-imageio-jpeg2000 (JPEG 2000).
   * JPEG-LS is decoded by our own {@link JpegLsPixels} (PixelMed only knows a native plugin; see
   * docs/seg.md, "Compressed sources").
   */
  public static final Map<String, String> DECODABLE = Map.ofEntries(
      Map.entry("1.2.840.10008.1.2", "Implicit VR Little Endian"),
      Map.entry("1.2.840.10008.1.2.1", "Explicit VR Little Endian"),
      Map.entry("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian"),
      Map.entry("1.2.840.10008.1.2.2", "Explicit VR Big Endian"),
      Map.entry("1.2.840.10008.1.2.5", "RLE Lossless"),
      Map.entry("1.2.840.10008.1.2.4.57", "JPEG Lossless (Process 14)"),
      Map.entry("1.2.840.10008.1.2.4.70", "JPEG Lossless SV1"),
      Map.entry(JpegLsPixels.LOSSLESS, "JPEG-LS Lossless"),
      Map.entry(JpegLsPixels.NEAR_LOSSLESS, "JPEG-LS Near-Lossless"),
      Map.entry("1.2.840.10008.1.2.4.90", "JPEG 2000 (lossless only)"),
      Map.entry("1.2.840.10008.1.2.4.91", "JPEG 2000"));

  private InstanceReader() {}

  /** One parsed instance and how it was stored. */
  public record Parsed(AttributeList list, boolean rawDataset, String transferSyntaxUid, String mediaStorageSopClassUid,
      boolean hasPixelData, boolean encapsulatedPixelData, long pixelDataLength) {}

  /**
   * Parses {@code bytes}; {@code withPixels} false stops before the pixel data (any transfer syntax).
   * Returns null when the bytes are not DICOM at all (neither Part 10 nor a plausible raw dataset).
   */
  public static Parsed parse(byte[] bytes, String who, boolean withPixels) throws SeriesAssemblyException {
    DatasetScanner.Result scan = DatasetScanner.scan(bytes, who);
    if (scan == null) return null;
    String ts = scan.transferSyntaxUid();
    if (withPixels && scan.hasPixelData() && !DECODABLE.containsKey(ts)) throw undecodable(who, ts, null);
    AttributeList list = new AttributeList();
    try {
      ByteArrayInputStream in = new ByteArrayInputStream(bytes);
      DicomInputStream dis = scan.part10() ? new DicomInputStream(in) : new DicomInputStream(in, ts, false);
      boolean jpegLs = JpegLsPixels.handles(ts);
      if (withPixels && !jpegLs) list.read(dis);
      else list.read(dis, TagFromName.PixelData);
      if (withPixels && jpegLs && scan.hasPixelData()) JpegLsPixels.attach(list, bytes, scan.pixelDataValueOffset(), who);
    } catch (StackOverflowError e) {
      throw new SeriesAssemblyException(Reason.UNREADABLE, who, null, "the DICOM parser ran out of stack (nesting too deep)");
    } catch (OutOfMemoryError e) { // JpegLsPixels bounds its buffer first; this is the last line of defence
      throw new SeriesAssemblyException(Reason.UNREADABLE, who, null, "an element is too large to hold in memory");
    } catch (DicomException e) {
      if (String.valueOf(e.getMessage()).contains("No reader")) throw undecodable(who, ts, e);
      throw new SeriesAssemblyException(Reason.UNREADABLE, who, null, "cannot parse DICOM: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      // PixelMed reports broken input as EOFException or as odd runtime exceptions deep in the parser.
      throw new SeriesAssemblyException(Reason.UNREADABLE, who, null, "cannot parse DICOM: " + e, e);
    }
    if (withPixels && scan.hasPixelData() && list.getPixelData() == null) {
      // PixelMed logs and swallows some failures (a codec error, an allocation it cannot make).
      throw new SeriesAssemblyException(Reason.UNREADABLE, who, "PixelData", "the pixel data could not be read");
    }
    return new Parsed(list, !scan.part10(), ts, scan.mediaStorageSopClassUid(), scan.hasPixelData(),
        scan.encapsulatedPixelData(), scan.pixelDataLength());
  }

  private static SeriesAssemblyException undecodable(String who, String ts, Throwable cause) {
    SeriesAssemblyException e = new SeriesAssemblyException(Reason.UNSUPPORTED_TRANSFER_SYNTAX, who, "TransferSyntaxUID",
        "pixel data in " + ts + " cannot be decoded here (decodable: uncompressed, Deflated, RLE, JPEG lossless, JPEG-LS, JPEG 2000);"
            + " ask the PACS for Explicit VR Little Endian or transcode the files (e.g. dcmdjpls)");
    if (cause != null) e.initCause(cause);
    return e;
  }
}
