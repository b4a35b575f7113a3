package org.secaimed.dicom.seg;

/** A coded concept as DICOM writes it: (CodeValue, CodingSchemeDesignator, CodeMeaning), e.g. ("10200004", "SCT", "Liver"). */
public record CodedConcept(String value, String scheme, String meaning) {
  public CodedConcept {
    if (value == null || value.isBlank()) throw new IllegalArgumentException("code value is required");
    if (scheme == null || scheme.isBlank()) throw new IllegalArgumentException("coding scheme designator is required for code " + value);
    if (meaning == null || meaning.isBlank()) throw new IllegalArgumentException("code meaning is required for code " + value);
  }

  public static CodedConcept sct(String value, String meaning) {
    return new CodedConcept(value, "SCT", meaning);
  }
}
