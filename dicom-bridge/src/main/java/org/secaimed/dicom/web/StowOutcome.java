package org.secaimed.dicom.web;

/**
 * What the server said about one instance of a STOW-RS request.
 *
 * @param partIndex index of the part in the request, or -1 for a failure the server reported that matches no part
 * @param label the file name or dataset label of the part
 * @param failureReason (0008,1197) when FAILED, e.g. 0x0110 processing failure, 0xA900 dataset does not match SOP class
 * @param warningReason (0008,1196) when STORED_WITH_WARNING, e.g. 0xB000 coercion of data elements
 */
public record StowOutcome(
    int partIndex, String label, String sopClassUid, String sopInstanceUid, Status status,
    Integer failureReason, Integer warningReason, String retrieveUrl) {

  public enum Status {
    STORED,
    STORED_WITH_WARNING,
    FAILED,
    /** The response named neither success nor failure for this part: treat as not stored. */
    NOT_REPORTED
  }

  public boolean stored() {
    return status == Status.STORED || status == Status.STORED_WITH_WARNING;
  }
}
