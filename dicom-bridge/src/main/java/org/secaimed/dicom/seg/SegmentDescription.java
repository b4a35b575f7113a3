package org.secaimed.dicom.seg;

import java.util.Objects;

/**
 * What one segment means: the item of the SEG's SegmentSequence. Built from dcmqi JSON, Kaapana's
 * seg_info.json or an algorithm's catalogue entry.
 *
 * @param number SegmentNumber, 1..N consecutive within one SEG
 * @param label SegmentLabel
 * @param category SegmentedPropertyCategoryCodeSequence (SCT)
 * @param type SegmentedPropertyTypeCodeSequence (SCT)
 * @param anatomicRegion AnatomicRegionSequence, or null
 * @param algorithmType AUTOMATIC, SEMIAUTOMATIC or MANUAL
 * @param algorithmName SegmentAlgorithmName, required unless MANUAL
 * @param recommendedDisplayRgb 0..255 RGB triplet, or null; the writer converts it to CIELab
 * @param details description, tracking ID/UID and modifiers ({@link SegmentDetails#NONE} if none)
 */
public record SegmentDescription(
    int number,
    String label,
    CodedConcept category,
    CodedConcept type,
    CodedConcept anatomicRegion,
    AlgorithmType algorithmType,
    String algorithmName,
    int[] recommendedDisplayRgb,
    SegmentDetails details) {

  public enum AlgorithmType { AUTOMATIC, SEMIAUTOMATIC, MANUAL }

  /** Without the optional details (description, tracking, modifiers). */
  public SegmentDescription(int number, String label, CodedConcept category, CodedConcept type, CodedConcept anatomicRegion,
      AlgorithmType algorithmType, String algorithmName, int[] recommendedDisplayRgb) {
    this(number, label, category, type, anatomicRegion, algorithmType, algorithmName, recommendedDisplayRgb, SegmentDetails.NONE);
  }

  public SegmentDescription {
    details = details == null ? SegmentDetails.NONE : details;
    if (details.anatomicRegionModifier() != null && anatomicRegion == null) {
      throw new IllegalArgumentException("segment " + number + ": an anatomic region modifier needs an anatomic region");
    }
    if (number < 1 || number > 65535) throw new IllegalArgumentException("segment number out of range 1..65535: " + number);
    if (label == null || label.isBlank()) throw new IllegalArgumentException("segment " + number + ": label is required");
    Objects.requireNonNull(category, () -> "segment " + number + ": category code is required");
    Objects.requireNonNull(type, () -> "segment " + number + ": type code is required");
    Objects.requireNonNull(algorithmType, () -> "segment " + number + ": algorithm type is required");
    if (algorithmType != AlgorithmType.MANUAL && (algorithmName == null || algorithmName.isBlank())) {
      throw new IllegalArgumentException("segment " + number + ": algorithm name is required for " + algorithmType);
    }
    if (recommendedDisplayRgb != null) {
      if (recommendedDisplayRgb.length != 3) throw new IllegalArgumentException("segment " + number + ": RGB must have 3 values");
      for (int c : recommendedDisplayRgb) {
        if (c < 0 || c > 255) throw new IllegalArgumentException("segment " + number + ": RGB value out of 0..255: " + c);
      }
      recommendedDisplayRgb = recommendedDisplayRgb.clone();
    }
  }

  @Override
  public int[] recommendedDisplayRgb() {
    return recommendedDisplayRgb == null ? null : recommendedDisplayRgb.clone();
  }
}
