package org.secaimed.dicom.seg;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.secaimed.connector.io.AtomicFiles;
import org.secaimed.dicom.seg.SegmentationException.Reason;

/**
 * A built, validated DICOM SEG, ready to write (Explicit VR Little Endian, Part 10). Writing the same
 * object twice gives identical bytes. The Pixel Data is not held: it is produced frame by frame from
 * the label map (or masks) while it is written, after every other element (Pixel Data is the last
 * element of a SEG), so a SEG over a large series streams. A SEG built from a label map that is read
 * from elsewhere ({@link org.secaimed.dicom.volume.LabelSlices}) can be written only while that
 * source is readable.
 */
public final class Segmentation {
  static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";

  private final AttributeList header; // everything but Pixel Data
  private final FramePixels pixels;
  private final SegmentationType type;
  private final String sopInstanceUid;
  private final String seriesInstanceUid;
  private final int frameCount;
  private final List<SegmentDescription> segments;
  private final Map<Integer, Integer> labelToSegment;

  Segmentation(AttributeList header, FramePixels pixels, SegmentationType type, String sopInstanceUid, String seriesInstanceUid,
      int frameCount, List<SegmentDescription> segments, Map<Integer, Integer> labelToSegment) {
    this.header = header;
    this.pixels = pixels;
    this.type = type;
    this.sopInstanceUid = sopInstanceUid;
    this.seriesInstanceUid = seriesInstanceUid;
    this.frameCount = frameCount;
    this.segments = List.copyOf(segments);
    this.labelToSegment = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(labelToSegment));
  }

  public SegmentationType type() { return type; }
  public String sopInstanceUid() { return sopInstanceUid; }
  public String seriesInstanceUid() { return seriesInstanceUid; }
  public String sopClassUid() { return type.sopClassUid(); }
  public int frameCount() { return frameCount; }

  /** The segments as written (numbers as in the SEG). */
  public List<SegmentDescription> segments() { return segments; }

  /** Input label value (or mask description number) to the Segment Number it was written as. */
  public Map<Integer, Integer> labelToSegment() { return labelToSegment; }

  /** Writes the Part 10 file to {@code out}, Pixel Data frame by frame; does not close it. */
  public void writeTo(OutputStream out) throws SegmentationException {
    try {
      OutputStream guarded = new FilterOutputStream(out) {
        @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }
        @Override public void close() throws IOException { flush(); }
      };
      header.write(guarded, EXPLICIT_VR_LITTLE_ENDIAN, true, true);
      guarded.write(pixelDataElementHeader(pixels.length()));
      pixels.writeTo(guarded);
      guarded.flush();
    } catch (IOException | DicomException e) {
      throw new SegmentationException(Reason.WRITE_FAILED, "cannot write SEG " + sopInstanceUid + ": " + e.getMessage(), e);
    }
  }

  /** Bytes {@link #writeTo(OutputStream)} writes: the rest of the object is encoded to count it, the pixel data is not made. */
  public long part10Length() throws SegmentationException {
    long[] n = {0};
    OutputStream counter = new OutputStream() {
      @Override public void write(int b) { n[0]++; }
      @Override public void write(byte[] b, int off, int len) { n[0] += len; }
    };
    try {
      header.write(counter, EXPLICIT_VR_LITTLE_ENDIAN, true, true);
    } catch (IOException | DicomException e) {
      throw new SegmentationException(Reason.WRITE_FAILED, "cannot encode SEG " + sopInstanceUid + ": " + e.getMessage(), e);
    }
    return n[0] + 12 + pixels.length();
  }

  /** (7FE0,0010) OB, two reserved bytes, 32-bit length: how Explicit VR Little Endian starts an OB value. */
  private static byte[] pixelDataElementHeader(long length) {
    return java.nio.ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putShort((short) 0x7FE0).putShort((short) 0x0010).put((byte) 'O').put((byte) 'B').putShort((short) 0)
        .putInt((int) length).array();
  }

  /**
   * Writes to {@code file} through a temporary file in the same directory and an atomic move, so a
   * reader never sees half a SEG and a failure leaves nothing behind; the mode follows the umask.
   */
  public void writeTo(Path file) throws SegmentationException {
    try {
      AtomicFiles.write(file, AtomicFiles.Access.SHARED, this::writeTo);
    } catch (IOException e) {
      throw new SegmentationException(Reason.WRITE_FAILED, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The whole dataset with its Pixel Data in memory, for callers that hand a dataset to a library.
   * Built on every call; prefer {@link #writeTo(OutputStream)}, which streams (the pipeline's
   * folder, STOW-RS and C-STORE destinations do).
   */
  public AttributeList dataset() throws SegmentationException {
    byte[] bytes = new byte[(int) pixels.length()]; // filled in place: one copy of the pixel data, not two
    try {
      pixels.writeTo(new OutputStream() {
        private int at;

        @Override public void write(int b) { bytes[at++] = (byte) b; }
        @Override public void write(byte[] b, int off, int len) { System.arraycopy(b, off, bytes, at, len); at += len; }
      });
      AttributeList ds = new AttributeList();
      ds.putAll(header);
      com.pixelmed.dicom.OtherByteAttribute pixelData = new com.pixelmed.dicom.OtherByteAttribute(com.pixelmed.dicom.TagFromName.PixelData);
      pixelData.setValues(bytes);
      ds.put(pixelData);
      return ds;
    } catch (IOException | DicomException e) {
      throw new SegmentationException(Reason.WRITE_FAILED, "cannot build SEG " + sopInstanceUid + " in memory: " + e.getMessage(), e);
    }
  }
}
