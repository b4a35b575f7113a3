package org.secaimed.dicom.seg;

/**
 * Optional per-segment attributes a SEG carries when the metadata gives them (dcmqi JSON): Segment
 * Description, Tracking ID/UID (for following a lesion across time points, QIICR-style), and the
 * modifiers of the property type (e.g. laterality: "Right") and of the anatomic region.
 *
 * @param description SegmentDescription (ST), or null
 * @param trackingId TrackingID (UT), or null
 * @param trackingUid TrackingUID (UI), or null; needs a tracking ID
 * @param typeModifier SegmentedPropertyTypeModifierCodeSequence item, or null
 * @param anatomicRegionModifier AnatomicRegionModifierSequence item, or null; needs an anatomic region
 */
public record SegmentDetails(String description, String trackingId, String trackingUid, CodedConcept typeModifier,
    CodedConcept anatomicRegionModifier) {

  public static final SegmentDetails NONE = new SegmentDetails(null, null, null, null, null);

  public SegmentDetails {
    if (trackingUid != null && (trackingId == null || trackingId.isBlank())) {
      throw new IllegalArgumentException("a tracking UID needs a tracking ID (PS3.3 C.8.20.4)");
    }
    if (trackingUid != null && !trackingUid.matches("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*") || trackingUid != null && trackingUid.length() > 64) {
      throw new IllegalArgumentException("tracking UID '" + trackingUid + "' is not a UID");
    }
  }
}
