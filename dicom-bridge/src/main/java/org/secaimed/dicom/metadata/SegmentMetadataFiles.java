package org.secaimed.dicom.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.secaimed.dicom.metadata.SegmentMetadataException.Reason;

/** Reads either metadata format, recognised by content: dcmqi has {@code segmentAttributes}, Kaapana {@code seg_info}. */
public final class SegmentMetadataFiles {
  private SegmentMetadataFiles() {}

  /**
   * @param codes needed only for Kaapana files (may be null otherwise)
   * @param fallbackAlgorithmName used for Kaapana files without an algorithm name
   */
  public static SegmentationMetadata read(Path file, CodeLookup codes, String fallbackAlgorithmName) throws SegmentMetadataException {
    return read(file, null, codes, fallbackAlgorithmName);
  }

  /**
   * @param task the task whose seg_info to use in a grouped Kaapana file such as TotalSegmentator's
   *     {@code seg_info_lookup.json} ({@code {"total": {"seg_info": [...]}, ...}}); null otherwise
   */
  public static SegmentationMetadata read(Path file, String task, CodeLookup codes, String fallbackAlgorithmName)
      throws SegmentMetadataException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(file));
    } catch (IOException e) {
      throw new SegmentMetadataException(Reason.MALFORMED, file.getFileName() + ": not JSON: " + e.getMessage(), e);
    }
    if (root != null && root.has("segmentAttributes")) return DcmqiMetadata.parse(root);
    boolean grouped = root != null && root.isObject() && !root.has("seg_info") && root.size() > 0
        && java.util.stream.StreamSupport.stream(root.spliterator(), false).allMatch(v -> v.isObject() && v.has("seg_info"));
    if (grouped && task == null) {
      throw new SegmentMetadataException(Reason.INVALID, file.getFileName() + ": a grouped Kaapana seg_info file; choose a task with --task ("
          + String.join(", ", (Iterable<String>) root::fieldNames) + ")");
    }
    if (root != null && (root.has("seg_info") || grouped)) {
      if (codes == null) {
        throw new SegmentMetadataException(Reason.UNRESOLVED_CODE, file.getFileName()
            + ": a Kaapana seg_info.json names labels without codes; give a code table (Kaapana's code_lookup_table.json)");
      }
      return KaapanaSegInfo.parse(root, grouped ? task : null, codes, fallbackAlgorithmName);
    }
    throw new SegmentMetadataException(Reason.MALFORMED, file.getFileName() + ": neither dcmqi metadata (segmentAttributes) nor Kaapana seg_info");
  }
}
