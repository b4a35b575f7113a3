package org.secaimed.dicom.exchange;

import java.util.List;

/**
 * The image series a segmentation was computed on, so the site can check the result belongs to the
 * series it sent before building a SEG against it. {@code sopInstanceUids} are in slice order
 * (slice index k of the label geometry is the k-th UID).
 */
public record SourceReference(String studyInstanceUid, String seriesInstanceUid, String frameOfReferenceUid, List<String> sopInstanceUids) {
  public SourceReference {
    for (String[] f : new String[][] {{"studyInstanceUid", studyInstanceUid}, {"seriesInstanceUid", seriesInstanceUid}, {"frameOfReferenceUid", frameOfReferenceUid}}) {
      if (!DicomUids.isValid(f[1])) throw new IllegalArgumentException("source " + f[0] + " is not a valid UID: " + f[1]);
    }
    sopInstanceUids = List.copyOf(sopInstanceUids);
    for (String uid : sopInstanceUids) {
      if (!DicomUids.isValid(uid)) throw new IllegalArgumentException("source SOP Instance UID is not valid: " + uid);
    }
  }
}
