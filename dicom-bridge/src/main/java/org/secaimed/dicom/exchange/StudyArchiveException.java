package org.secaimed.dicom.exchange;

import org.secaimed.connector.SecaimedFailure;
import java.io.IOException;

/**
 * A study archive that is not exactly what its writer produced: the reason says what, the subject
 * names the instance (SOP Instance UID or entry name) or field at fault. Never carries pixel data.
 */
public final class StudyArchiveException extends IOException implements SecaimedFailure {
  private static final long serialVersionUID = 1L;

  public enum Reason {
    /** The bytes are not a study archive of a supported version. */
    NOT_A_STUDY_ARCHIVE,
    /** An instance's bytes do not hash to the digest recorded with it. */
    TAMPERED_INSTANCE,
    /** Two entries carry the same SOP Instance UID. */
    DUPLICATE_INSTANCE,
    /** The manifest lists an instance that never arrived. */
    MISSING_INSTANCE,
    /** An instance arrived that the manifest does not list, or in a different order. */
    UNLISTED_INSTANCE,
    /** The archive ended before its manifest (truncated or never finished). */
    TRUNCATED,
    /** The manifest or an entry header is malformed. */
    MALFORMED_ENTRY,
    /** An instance is not parseable DICOM or lacks a SOP Instance UID. */
    NOT_DICOM,
    /** An instance is larger than the reader's limit. */
    INSTANCE_TOO_LARGE,
    /** The writer was used after it failed or finished. */
    WRITER_CLOSED
  }

  private final Reason reason;
  private final String subject;

  public StudyArchiveException(Reason reason, String subject, String message) {
    this(reason, subject, message, null);
  }

  public StudyArchiveException(Reason reason, String subject, String message, Throwable cause) {
    super("study archive " + reason + (subject == null ? "" : " [" + subject + "]") + ": " + message, cause);
    this.reason = reason;
    this.subject = subject;
  }

  public Reason reason() {
    return reason;
  }

  /** The SOP Instance UID, entry name or field at fault, or null when the archive as a whole is. */
  public String subject() {
    return subject;
  }

  @Override
  public String code() {
    return reason.name();
  }
}
