package org.secaimed.dicom.seg;

/** The three ways a DICOM SEG stores segments. */
public enum SegmentationType {
  /** One bit per pixel, one frame per (segment, slice); segments may overlap. */
  BINARY("1.2.840.10008.5.1.4.1.1.66.4"),
  /** One byte per pixel (probability 0..255), one frame per (segment, slice); segments may overlap. */
  FRACTIONAL("1.2.840.10008.5.1.4.1.1.66.4"),
  /** Supplement 243 Label Map Segmentation: pixel value = segment number, one frame per slice, no overlap. */
  LABELMAP("1.2.840.10008.5.1.4.1.1.66.7");

  private final String sopClassUid;

  SegmentationType(String sopClassUid) {
    this.sopClassUid = sopClassUid;
  }

  public String sopClassUid() { return sopClassUid; }

  /** Parses "binary", "FRACTIONAL", ... as written on command lines and in SegmentationType. */
  public static SegmentationType parse(String s) {
    return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
  }
}
