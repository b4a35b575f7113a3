package org.secaimed.dicom.labelmap;

import org.secaimed.connector.SecaimedFailure;

/** A label-map file could not be read, written or placed on the series grid; {@link #reason()} is stable. */
public final class LabelMapException extends Exception implements SecaimedFailure {

  public enum Reason {
    /** Not a NIfTI-1 / NRRD file, or truncated. */
    UNREADABLE,
    /** A valid file using a feature this reader does not support (detached data, 4-D, a coordinate space, ...). */
    UNSUPPORTED,
    /** A voxel value is not an integer label 0..255. */
    VALUE_OUT_OF_RANGE,
    /** The label map's grid does not coincide with the series grid within tolerance. */
    GEOMETRY_MISMATCH,
    /** The output could not be written. */
    WRITE_FAILED
  }

  private final Reason reason;

  public LabelMapException(Reason reason, String message) {
    super(reason.name() + ": " + message);
    this.reason = reason;
  }

  public LabelMapException(Reason reason, String message, Throwable cause) {
    this(reason, message);
    initCause(cause);
  }

  public Reason reason() { return reason; }

  @Override
  public String code() {
    return reason.name();
  }
}
