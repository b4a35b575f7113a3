package org.secaimed.dicom.exchange;

/**
 * Names fixed by docs/payload-formats.md: a POSIX (pax) tar whose first entry marks the format,
 * then one entry per instance carrying its SOP Instance UID and SHA-256 in pax headers, then the
 * manifest as the last entry.
 */
final class StudyArchiveFormat {
  static final String FORMAT_ENTRY = "secaimed-study-archive.json";
  static final String FORMAT_NAME = "secaimed-study-archive";
  static final int VERSION = 1;
  static final String MANIFEST_ENTRY = "manifest.json";
  static final String INSTANCE_PREFIX = "instances/";
  static final String PAX_SOP_INSTANCE_UID = "SECAIMED.sopInstanceUid";

  private StudyArchiveFormat() {}

  static String instanceEntryName(int index) {
    return INSTANCE_PREFIX + String.format("%06d.dcm", index);
  }
}
