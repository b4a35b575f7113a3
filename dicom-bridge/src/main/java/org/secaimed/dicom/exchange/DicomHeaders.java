package org.secaimed.dicom.exchange;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/** Reads the identifying header of a Part 10 instance without touching its pixel data. */
final class DicomHeaders {
  private DicomHeaders() {}

  static String sopInstanceUid(byte[] part10, String where) throws StudyArchiveException {
    AttributeList list = new AttributeList();
    try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(part10))) {
      list.read(in, TagFromName.PixelData);
    } catch (IOException | DicomException | RuntimeException e) {
      throw new StudyArchiveException(StudyArchiveException.Reason.NOT_DICOM, where, "not parseable DICOM: " + e.getMessage(), e);
    }
    String uid = com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPInstanceUID).trim();
    if (!DicomUids.isValid(uid)) {
      throw new StudyArchiveException(StudyArchiveException.Reason.NOT_DICOM, where, "missing or invalid SOPInstanceUID");
    }
    return uid;
  }
}
