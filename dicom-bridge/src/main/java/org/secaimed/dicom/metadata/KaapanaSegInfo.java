package org.secaimed.dicom.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.secaimed.dicom.metadata.SegmentMetadataException.Reason;
import org.secaimed.dicom.seg.CodedConcept;
import org.secaimed.dicom.seg.SegmentDescription;

/**
 * Kaapana's {@code seg_info.json}: {@code seg_info: [{label_name, label_int}]} plus an optional
 * {@code algorithm}. Either at the top level, or (as in Kaapana's TotalSegmentator lookup) under a
 * task key. Label 0 is background and skipped, as Kaapana does. Each name is coded through a
 * {@link CodeLookup}; the category is "Anatomical Structure" (SCT 123037004), because the lookup
 * table holds anatomy (Kaapana puts the type code in both, which is not a valid CID 7150 category).
 */
public final class KaapanaSegInfo {
  static final CodedConcept ANATOMICAL_STRUCTURE = CodedConcept.sct("123037004", "Anatomical Structure");

  private KaapanaSegInfo() {}

  /**
   * @param task key of the task to use when the file groups several (null for a plain seg_info.json)
   * @param fallbackAlgorithmName algorithm name when the file has none (segments are AUTOMATIC)
   */
  public static SegmentationMetadata read(Path file, String task, CodeLookup codes, String fallbackAlgorithmName)
      throws SegmentMetadataException {
    try {
      return parse(new ObjectMapper().readTree(Files.readString(file)), task, codes, fallbackAlgorithmName);
    } catch (IOException e) {
      throw new SegmentMetadataException(Reason.MALFORMED, file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  static SegmentationMetadata parse(JsonNode root, String task, CodeLookup codes, String fallbackAlgorithmName)
      throws SegmentMetadataException {
    JsonNode node = root;
    if (task != null) {
      node = root == null ? null : root.get(task);
      if (node == null) throw new SegmentMetadataException(Reason.INVALID, "no task '" + task + "' in the seg_info file");
    }
    JsonNode info = node == null ? null : node.get("seg_info");
    if (info == null || !info.isArray()) {
      throw new SegmentMetadataException(Reason.MALFORMED, "seg_info must be an array"
          + (task == null && root != null && root.isObject() ? " (grouped files need a task: " + root.fieldNames().next() + ", ...)" : ""));
    }
    String algorithm = DcmqiMetadata.text(node, "algorithm");
    if (algorithm == null || algorithm.startsWith("<")) algorithm = fallbackAlgorithmName;
    if (algorithm == null || algorithm.isBlank()) {
      throw new SegmentMetadataException(Reason.INVALID, "no algorithm name in the file and none given");
    }
    List<SegmentDescription> segments = new ArrayList<>();
    List<String> unresolved = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < info.size(); i++) {
      JsonNode e = info.get(i);
      String where = "seg_info[" + i + "]";
      String name = DcmqiMetadata.text(e, "label_name");
      JsonNode li = e.get("label_int");
      int label;
      try {
        label = li == null ? -1 : li.isInt() ? li.asInt() : Integer.parseInt(li.asText().trim());
      } catch (NumberFormatException ex) {
        throw new SegmentMetadataException(Reason.INVALID, where + ".label_int '" + li.asText() + "' is not an integer (template placeholder?)");
      }
      if (name == null || label < 0) throw new SegmentMetadataException(Reason.INVALID, where + " needs label_name and label_int >= 0");
      if (label == 0) continue;
      if (!seen.add(label)) throw new SegmentMetadataException(Reason.INVALID, where + ": label_int " + label + " is used twice");
      var type = codes.resolve(name);
      if (type.isEmpty()) {
        unresolved.add(name);
        continue;
      }
      String segLabel = name.length() > 64 ? name.substring(0, 64) : name;
      segments.add(new SegmentDescription(label, segLabel, ANATOMICAL_STRUCTURE, type.get(), null,
          SegmentDescription.AlgorithmType.AUTOMATIC, algorithm, null));
    }
    if (!unresolved.isEmpty()) {
      throw new SegmentMetadataException(Reason.UNRESOLVED_CODE, "no anatomic code for " + unresolved
          + "; add them to the code table or describe the segments in dcmqi JSON");
    }
    if (segments.isEmpty()) throw new SegmentMetadataException(Reason.INVALID, "seg_info lists no foreground label");
    return new SegmentationMetadata(segments, null, null, null, null, null, null, null);
  }
}
