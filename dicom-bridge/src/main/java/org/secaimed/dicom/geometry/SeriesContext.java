package org.secaimed.dicom.geometry;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The series-level facts a derived object (a SEG) must repeat verbatim: patient, study, series and
 * Frame of Reference identity, taken from the first instance of the series.
 */
public final class SeriesContext {

  /**
   * Patient, General Study, Patient Study, Clinical Trial Subject/Study and Frame of Reference
   * attributes a derived object copies, plus Body Part Examined and the trial's
   * coordinating centre (PS3.3 A.51.3 lists all these modules for the Segmentation IOD).
   */
  static final List<String> COPIED_KEYWORDS = List.of(
      "SpecificCharacterSet",
      "PatientName", "PatientID", "IssuerOfPatientID", "PatientBirthDate", "PatientSex",
      "PatientAge", "PatientSize", "PatientWeight",
      "StudyInstanceUID", "StudyDate", "StudyTime", "ReferringPhysicianName", "StudyID",
      "AccessionNumber", "StudyDescription",
      "FrameOfReferenceUID", "PositionReferenceIndicator",
      // Clinical Trial Subject and Study (patient- and study-level: the SEG is the same subject and study)
      "ClinicalTrialSponsorName", "ClinicalTrialProtocolID", "ClinicalTrialProtocolName",
      "ClinicalTrialSiteID", "ClinicalTrialSiteName", "ClinicalTrialSubjectID", "ClinicalTrialSubjectReadingID",
      "ClinicalTrialProtocolEthicsCommitteeName", "ClinicalTrialProtocolEthicsCommitteeApprovalNumber",
      "ClinicalTrialTimePointID", "ClinicalTrialTimePointDescription",
      // Series-level facts that hold for a segmentation of the series too: the anatomy imaged and the
      // trial's coordinating centre (not ClinicalTrialSeriesID/Description: they name the source series).
      // Laterality is not copied as such: see laterality().
      "BodyPartExamined", "ClinicalTrialCoordinatingCenterName");

  private final Map<AttributeTag, Attribute> copied;
  private final String studyInstanceUid;
  private final String seriesInstanceUid;
  private final String frameOfReferenceUid;
  private final String modality;
  private final String laterality;

  SeriesContext(AttributeList first) {
    Map<AttributeTag, Attribute> m = new TreeMap<>();
    for (String k : COPIED_KEYWORDS) {
      Attribute a = first.get(DicomAttributes.tag(k));
      // Empty values are not copied: the SEG writer adds its own Type 2 empties, and an empty
      // Type 1C (e.g. SpecificCharacterSet) would be an error.
      if (a != null && a.getVM() > 0) m.put(a.getTag(), a);
    }
    this.copied = m;
    this.studyInstanceUid = DicomAttributes.string(first, "StudyInstanceUID");
    this.seriesInstanceUid = DicomAttributes.string(first, "SeriesInstanceUID");
    this.frameOfReferenceUid = DicomAttributes.string(first, "FrameOfReferenceUID");
    this.modality = DicomAttributes.string(first, "Modality");
    String image = DicomAttributes.string(first, "ImageLaterality");
    String series = DicomAttributes.string(first, "Laterality");
    this.laterality = image != null && !image.isBlank() ? image.trim() : series != null && !series.isBlank() ? series.trim() : null;
  }

  /**
   * The laterality of the imaged body part: the first instance's Image Laterality, else the
   * series' Laterality (R, L, U, B), or null.
   */
  public String laterality() { return laterality; }

  public String studyInstanceUid() { return studyInstanceUid; }
  public String seriesInstanceUid() { return seriesInstanceUid; }
  public String frameOfReferenceUid() { return frameOfReferenceUid; }
  public String modality() { return modality; }

  /**
   * Puts the copied attributes into {@code target}. The attribute objects are shared, not cloned:
   * neither this class nor the SEG builder ever modifies them.
   */
  public void copyInto(AttributeList target) {
    for (Attribute a : copied.values()) target.put(a);
  }

  /** The string value of a copied attribute (e.g. "PatientID"), or null. */
  public String value(String keyword) {
    Attribute a = copied.get(DicomAttributes.tag(keyword));
    return a == null ? null : a.getSingleStringValueOrNull();
  }
}
