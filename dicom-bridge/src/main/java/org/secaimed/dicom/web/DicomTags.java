package org.secaimed.dicom.web;

/** Tag numbers the client reads from DICOM JSON. Named after their DICOM keywords. */
public final class DicomTags {
  private DicomTags() {}

  public static final int SOPClassUID = 0x00080016;
  public static final int SOPInstanceUID = 0x00080018;
  public static final int StudyDate = 0x00080020;
  public static final int Modality = 0x00080060;
  public static final int StudyDescription = 0x00081030;
  public static final int SeriesDescription = 0x0008103E;
  public static final int FailureReason = 0x00081197;
  public static final int FailedSOPSequence = 0x00081198;
  public static final int ReferencedSOPSequence = 0x00081199;
  public static final int RetrieveURL = 0x00081190;
  public static final int WarningReason = 0x00081196;
  public static final int ReferencedSOPClassUID = 0x00081150;
  public static final int ReferencedSOPInstanceUID = 0x00081155;
  public static final int PatientID = 0x00100020;
  public static final int StudyInstanceUID = 0x0020000D;
  public static final int SeriesInstanceUID = 0x0020000E;
  public static final int SeriesNumber = 0x00200011;
  public static final int InstanceNumber = 0x00200013;
  public static final int NumberOfSeriesRelatedInstances = 0x00201209;
  public static final int NumberOfStudyRelatedInstances = 0x00201208;
  public static final int ErrorComment = 0x00000902;
}
