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
 * object twice gives identical bytes.
 */
public final class Segmentation {
  static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";

  private final AttributeList dataset;
  private final SegmentationType type;
  private final String sopInstanceUid;
  private final String seriesInstanceUid;
  private final int frameCount;
  private final List<SegmentDescription> segments;
  private final Map<Integer, Integer> labelToSegment;

  Segmentation(AttributeList dataset, SegmentationType type, String sopInstanceUid, String seriesInstanceUid,
      int frameCount, List<SegmentDescription> segments, Map<Integer, Integer> labelToSegment) {
    this.dataset = dataset;
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

  /** Writes the Part 10 file to {@code out}; does not close it. */
  public void writeTo(OutputStream out) throws SegmentationException {
    try {
      OutputStream guarded = new FilterOutputStream(out) {
        @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }
        @Override public void close() throws IOException { flush(); }
      };
      dataset.write(guarded, EXPLICIT_VR_LITTLE_ENDIAN, true, true);
      guarded.flush();
    } catch (IOException | DicomException e) {
      throw new SegmentationException(Reason.WRITE_FAILED, "cannot write SEG " + sopInstanceUid + ": " + e.getMessage(), e);
    }
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

  /** The dataset itself, for callers that send it without a file (e.g. C-STORE). A copy is not made: do not modify. */
  public AttributeList dataset() { return dataset; }
}
