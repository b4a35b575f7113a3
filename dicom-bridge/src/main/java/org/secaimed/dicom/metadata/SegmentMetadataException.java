package org.secaimed.dicom.metadata;

import org.secaimed.connector.SecaimedFailure;

/** A segment-metadata file (dcmqi JSON, Kaapana seg_info.json) is unusable; the message names the entry and field. */
public final class SegmentMetadataException extends Exception implements SecaimedFailure {

  public enum Reason {
    /** Not JSON, or not the expected shape. */
    MALFORMED,
    /** Well-formed but not acceptable (duplicate label, missing code, invalid value). */
    INVALID,
    /** A label name could not be mapped to a coded concept. */
    UNRESOLVED_CODE
  }

  private final Reason reason;

  public SegmentMetadataException(Reason reason, String message) {
    super(reason.name() + ": " + message);
    this.reason = reason;
  }

  public SegmentMetadataException(Reason reason, String message, Throwable cause) {
    this(reason, message);
    initCause(cause);
  }

  public Reason reason() { return reason; }

  @Override
  public String code() {
    return reason.name();
  }
}
