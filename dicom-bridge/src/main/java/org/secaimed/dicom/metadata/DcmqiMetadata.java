package org.secaimed.dicom.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.secaimed.dicom.metadata.SegmentMetadataException.Reason;
import org.secaimed.dicom.seg.ClinicalContext;
import org.secaimed.dicom.seg.CodedConcept;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.seg.SegmentDetails;

/**
 * dcmqi's segmentation metadata JSON ({@code itkimage2segimage --inputMetadata}). The outer array of
 * {@code segmentAttributes} lists input files; since one label map is given here, all inner entries
 * are taken together and their {@code labelID}s must be unique.
 */
public final class DcmqiMetadata {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DcmqiMetadata() {}

  public static SegmentationMetadata read(Path file) throws SegmentMetadataException {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new SegmentMetadataException(Reason.MALFORMED, file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  public static SegmentationMetadata parse(String json) throws SegmentMetadataException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new SegmentMetadataException(Reason.MALFORMED, "not JSON: " + e.getMessage(), e);
    }
    return parse(root);
  }

  static SegmentationMetadata parse(JsonNode root) throws SegmentMetadataException {
    JsonNode attrs = root == null ? null : root.get("segmentAttributes");
    if (attrs == null || !attrs.isArray() || attrs.isEmpty()) {
      throw new SegmentMetadataException(Reason.MALFORMED, "segmentAttributes must be a non-empty array of arrays");
    }
    List<SegmentDescription> segments = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    for (int f = 0; f < attrs.size(); f++) {
      JsonNode inner = attrs.get(f);
      if (!inner.isArray()) throw new SegmentMetadataException(Reason.MALFORMED, "segmentAttributes[" + f + "] must be an array");
      for (int s = 0; s < inner.size(); s++) {
        String where = "segmentAttributes[" + f + "][" + s + "]";
        JsonNode n = inner.get(s);
        JsonNode id = n.get("labelID");
        if (id == null || !id.canConvertToInt() || id.asInt() < 1) {
          throw new SegmentMetadataException(Reason.INVALID, where + ".labelID must be a positive integer");
        }
        int label = id.asInt();
        if (!seen.add(label)) throw new SegmentMetadataException(Reason.INVALID, where + ": labelID " + label + " is used twice");
        CodedConcept category = code(n, "SegmentedPropertyCategoryCodeSequence", where, true);
        CodedConcept type = code(n, "SegmentedPropertyTypeCodeSequence", where, true);
        CodedConcept region = code(n, "AnatomicRegionSequence", where, false);
        String segLabel = text(n, "SegmentLabel");
        if (segLabel == null) segLabel = type.meaning();
        String algType = text(n, "SegmentAlgorithmType");
        SegmentDescription.AlgorithmType at;
        try {
          at = SegmentDescription.AlgorithmType.valueOf(algType == null ? "MANUAL" : algType.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new SegmentMetadataException(Reason.INVALID, where + ".SegmentAlgorithmType '" + algType + "'");
        }
        int[] rgb = null;
        JsonNode c = n.get("recommendedDisplayRGBValue");
        if (c != null && c.isArray()) {
          if (c.size() != 3) throw new SegmentMetadataException(Reason.INVALID, where + ".recommendedDisplayRGBValue needs 3 values");
          rgb = new int[] {c.get(0).asInt(), c.get(1).asInt(), c.get(2).asInt()};
        }
        try {
          SegmentDetails details = new SegmentDetails(text(n, "SegmentDescription"), text(n, "TrackingIdentifier"),
              text(n, "TrackingUniqueIdentifier"), code(n, "SegmentedPropertyTypeModifierCodeSequence", where, false),
              code(n, "AnatomicRegionModifierSequence", where, false));
          segments.add(new SegmentDescription(label, segLabel, category, type, region, at, text(n, "SegmentAlgorithmName"), rgb, details));
        } catch (IllegalArgumentException e) {
          throw new SegmentMetadataException(Reason.INVALID, where + ": " + e.getMessage(), e);
        }
      }
    }
    return new SegmentationMetadata(segments, text(root, "SeriesDescription"), integer(root, "SeriesNumber"),
        integer(root, "InstanceNumber"), text(root, "ContentCreatorName"), text(root, "ContentLabel"),
        text(root, "ContentDescription"), new ClinicalContext(text(root, "BodyPartExamined"), text(root, "ClinicalTrialTimePointID"),
            text(root, "ClinicalTrialCoordinatingCenterName"), text(root, "ClinicalTrialSeriesID")));
  }

  private static CodedConcept code(JsonNode n, String field, String where, boolean required) throws SegmentMetadataException {
    JsonNode c = n.get(field);
    if (c == null || c.isNull()) {
      if (required) throw new SegmentMetadataException(Reason.INVALID, where + "." + field + " is required");
      return null;
    }
    try {
      return new CodedConcept(text(c, "CodeValue"), text(c, "CodingSchemeDesignator"), text(c, "CodeMeaning"));
    } catch (IllegalArgumentException e) {
      throw new SegmentMetadataException(Reason.INVALID, where + "." + field + ": " + e.getMessage(), e);
    }
  }

  static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) return null;
    String s = v.asText().trim();
    return s.isEmpty() ? null : s;
  }

  private static Integer integer(JsonNode n, String field) throws SegmentMetadataException {
    String s = text(n, field);
    if (s == null) return null;
    try {
      return Integer.valueOf(s);
    } catch (NumberFormatException e) {
      throw new SegmentMetadataException(Reason.INVALID, field + " '" + s + "' is not an integer");
    }
  }
}
