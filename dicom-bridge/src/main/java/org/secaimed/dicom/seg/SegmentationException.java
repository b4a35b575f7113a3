package org.secaimed.dicom.seg;

import org.secaimed.connector.SecaimedFailure;

/**
 * A SEG could not be built or read. {@link #reason()} is stable; the message names the segment,
 * frame or attribute at fault.
 */
public final class SegmentationException extends Exception implements SecaimedFailure {

  public enum Reason {
    /** A builder input is missing or not acceptable (the message names the field). */
    INVALID_INPUT,
    /** The label map holds a value no segment description covers. */
    UNDESCRIBED_LABEL,
    /** Label map or masks do not match the source series grid. */
    GEOMETRY_MISMATCH,
    /** Segments overlap where the target cannot express it (LABELMAP, or a single label map). */
    OVERLAPPING_SEGMENTS,
    /** The object is not a segmentation this reader handles (SOP class, type, encoding). */
    UNSUPPORTED,
    /** The SEG is internally inconsistent or truncated. */
    MALFORMED,
    /** Writing the file failed. */
    WRITE_FAILED
  }

  private final Reason reason;

  public SegmentationException(Reason reason, String message) {
    super(reason.name() + ": " + message);
    this.reason = reason;
  }

  public SegmentationException(Reason reason, String message, Throwable cause) {
    this(reason, message);
    initCause(cause);
  }

  public Reason reason() { return reason; }

  @Override
  public String code() {
    return reason.name();
  }
}
