package org.secaimed.dicom.geometry;

import org.secaimed.connector.SecaimedFailure;

/**
 * A series could not be turned into a volume. Names the instance (SOP Instance UID or file) and,
 * where one is to blame, the attribute; {@link #reason()} is stable for callers and tests.
 */
public final class SeriesAssemblyException extends Exception implements SecaimedFailure {

  public enum Reason {
    /** The file or stream is not readable DICOM (truncated, garbage). */
    UNREADABLE,
    /** Pixel data is encoded in a transfer syntax this build cannot decode. */
    UNSUPPORTED_TRANSFER_SYNTAX,
    /** Pixel layout we do not handle (colour, more than 16 bits, ...). */
    UNSUPPORTED_PIXELS,
    /** A required attribute is absent or unparsable. */
    MISSING_ATTRIBUTE,
    /** Instances of more than one series were given. */
    MIXED_SERIES,
    /** Instances disagree on Frame of Reference. */
    MIXED_FRAME_OF_REFERENCE,
    /** Orientation differs between instances or is not orthonormal. */
    INCONSISTENT_ORIENTATION,
    /** Rows, columns or pixel spacing differ between instances. */
    INCONSISTENT_SIZE,
    /** One SOP Instance UID was given twice with different content. */
    DUPLICATE_INSTANCE,
    /** Two slices share a position. */
    DUPLICATE_POSITION,
    /** Slice positions do not lie on one line along the normal (e.g. gantry tilt). */
    NOT_COLLINEAR,
    /** Slice gaps differ beyond tolerance. */
    IRREGULAR_SPACING,
    /** A rescaled pixel value does not fit the 16-bit volume. */
    VALUE_OUT_OF_RANGE,
    /** No image instances were given. */
    EMPTY
  }

  private final Reason reason;
  private final String instance;
  private final String attribute;

  public SeriesAssemblyException(Reason reason, String instance, String attribute, String message) {
    super(compose(reason, instance, attribute, message));
    this.reason = reason;
    this.instance = instance;
    this.attribute = attribute;
  }

  public SeriesAssemblyException(Reason reason, String instance, String attribute, String message, Throwable cause) {
    this(reason, instance, attribute, message);
    initCause(cause);
  }

  private static String compose(Reason reason, String instance, String attribute, String message) {
    StringBuilder b = new StringBuilder(reason.name());
    if (instance != null) b.append(" in ").append(instance);
    if (attribute != null) b.append(" [").append(attribute).append(']');
    return b.append(": ").append(message).toString();
  }

  public Reason reason() { return reason; }

  /** SOP Instance UID or file name of the offending instance, or null when the series as a whole is at fault. */
  public String instance() { return instance; }

  /** DICOM keyword of the offending attribute, or null. */
  public String attribute() { return attribute; }

  @Override
  public String code() {
    return reason.name();
  }
}
