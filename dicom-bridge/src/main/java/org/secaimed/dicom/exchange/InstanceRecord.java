package org.secaimed.dicom.exchange;

import java.util.Objects;

/**
 * One line of a study manifest: which instance, its SHA-256 (lower-case hex) and byte length.
 * These are the per-instance digests receipts name.
 */
public record InstanceRecord(String sopInstanceUid, String sha256, long length) {
  public InstanceRecord {
    Objects.requireNonNull(sopInstanceUid, "sopInstanceUid");
    Objects.requireNonNull(sha256, "sha256");
    if (!DicomUids.isValid(sopInstanceUid)) {
      throw new IllegalArgumentException("not a valid DICOM UID: " + sopInstanceUid);
    }
    if (!sha256.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits");
    if (length < 0) throw new IllegalArgumentException("length must not be negative");
  }
}
