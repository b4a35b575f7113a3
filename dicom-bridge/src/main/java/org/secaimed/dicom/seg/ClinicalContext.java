package org.secaimed.dicom.seg;

import static org.secaimed.dicom.seg.Dcm.put;
import static org.secaimed.dicom.seg.Dcm.putEmpty;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import java.util.List;
import java.util.regex.Pattern;
import org.secaimed.dicom.geometry.DicomAttributes;
import org.secaimed.dicom.seg.SegmentationException.Reason;

/**
 * Clinical-trial and anatomy attributes a segmentation's metadata (dcmqi JSON) gives for the SEG
 * series, on top of what the SEG copies from its source (PS3.3 A.51: Clinical Trial Subject, Study
 * and Series modules, General Series Body Part Examined; the source's laterality becomes the SEG's
 * Image Laterality; see docs/seg.md). Null = not given.
 *
 * <ul>
 *   <li>{@code bodyPartExamined} (CS) and {@code clinicalTrialCoordinatingCenterName} (LO) describe
 *       the SEG series: given, they replace the source's values.
 *   <li>{@code clinicalTrialTimePointId} (LO) is study-level, shared with the source: given, it must
 *       equal the source's value when the source has one.
 *   <li>{@code clinicalTrialSeriesId} (LO) identifies the SEG series; never copied from the source.
 * </ul>
 */
public record ClinicalContext(String bodyPartExamined, String clinicalTrialTimePointId,
    String clinicalTrialCoordinatingCenterName, String clinicalTrialSeriesId) {

  public static final ClinicalContext NONE = new ClinicalContext(null, null, null, null);

  private static final Pattern CS = Pattern.compile("[A-Z0-9 _]{1,16}");
  private static final Pattern LATERALITY = Pattern.compile("[RLUB]");
  private static final List<String> TRIAL_SUBJECT = List.of("ClinicalTrialSponsorName", "ClinicalTrialProtocolID",
      "ClinicalTrialProtocolName", "ClinicalTrialSiteID", "ClinicalTrialSiteName", "ClinicalTrialSubjectID",
      "ClinicalTrialSubjectReadingID", "ClinicalTrialProtocolEthicsCommitteeName", "ClinicalTrialProtocolEthicsCommitteeApprovalNumber");
  private static final List<String> TRIAL_SUBJECT_TYPE2 = List.of("ClinicalTrialProtocolName", "ClinicalTrialSiteID", "ClinicalTrialSiteName");
  private static final List<String> TRIAL_STUDY = List.of("ClinicalTrialTimePointID", "ClinicalTrialTimePointDescription");
  private static final List<String> TRIAL_SERIES = List.of("ClinicalTrialCoordinatingCenterName", "ClinicalTrialSeriesID");

  /**
   * Puts the given values into {@code ds}, which already holds the attributes copied from the
   * source, and completes each Clinical Trial module that is present with its Type 2 attributes.
   */
  void applyTo(AttributeList ds, String sourceLaterality) throws SegmentationException, DicomException {
    // As Image Laterality (General Image, Type 3): with it, General Series Laterality is not required,
    // and dciodvfy refuses the series attribute in a SEG.
    if (sourceLaterality != null && LATERALITY.matcher(sourceLaterality).matches()) put(ds, "ImageLaterality", sourceLaterality);
    if (bodyPartExamined != null) {
      if (!CS.matcher(bodyPartExamined).matches()) {
        throw invalid("BodyPartExamined", "'" + bodyPartExamined + "' must be 1-16 characters of A-Z, 0-9, space, underscore");
      }
      put(ds, "BodyPartExamined", bodyPartExamined);
    }
    if (clinicalTrialTimePointId != null) {
      lo("ClinicalTrialTimePointID", clinicalTrialTimePointId);
      String source = value(ds, "ClinicalTrialTimePointID");
      if (source != null && !source.equals(clinicalTrialTimePointId)) {
        throw invalid("ClinicalTrialTimePointID", "the metadata says '" + clinicalTrialTimePointId + "' but the source study says '"
            + source + "'; a time point belongs to the study, which the SEG shares");
      }
      put(ds, "ClinicalTrialTimePointID", clinicalTrialTimePointId);
    }
    if (clinicalTrialCoordinatingCenterName != null) {
      lo("ClinicalTrialCoordinatingCenterName", clinicalTrialCoordinatingCenterName);
      put(ds, "ClinicalTrialCoordinatingCenterName", clinicalTrialCoordinatingCenterName);
    }
    if (clinicalTrialSeriesId != null) {
      lo("ClinicalTrialSeriesID", clinicalTrialSeriesId);
      put(ds, "ClinicalTrialSeriesID", clinicalTrialSeriesId);
    }
    completeModule(ds, TRIAL_SUBJECT, TRIAL_SUBJECT_TYPE2);
    completeModule(ds, TRIAL_STUDY, List.of("ClinicalTrialTimePointID"));
    completeModule(ds, TRIAL_SERIES, List.of("ClinicalTrialCoordinatingCenterName"));
  }

  /** A module is present when any of its attributes is; its Type 2 attributes must then be (empty if unknown). */
  private static void completeModule(AttributeList ds, List<String> module, List<String> type2) throws DicomException {
    boolean present = false;
    for (String k : module) present |= ds.get(DicomAttributes.tag(k)) != null;
    if (!present) return;
    for (String k : type2) if (ds.get(DicomAttributes.tag(k)) == null) putEmpty(ds, k);
  }

  private static String value(AttributeList ds, String keyword) {
    Attribute a = ds.get(DicomAttributes.tag(keyword));
    String v = a == null ? null : a.getSingleStringValueOrNull();
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static void lo(String field, String v) throws SegmentationException {
    if (v.length() > 64 || v.contains("\\")) throw invalid(field, "at most 64 characters, no backslash");
  }

  private static SegmentationException invalid(String field, String message) {
    return new SegmentationException(Reason.INVALID_INPUT, field + ": " + message);
  }
}
