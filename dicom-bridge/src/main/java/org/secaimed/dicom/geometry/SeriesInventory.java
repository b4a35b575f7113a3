package org.secaimed.dicom.geometry;

import org.secaimed.connector.io.Digests;
import static org.secaimed.dicom.geometry.DicomAttributes.string;

import com.pixelmed.dicom.AttributeList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What image instances were offered to an assembler, per series (for the "which series?" error),
 * and which SOP Instance UIDs were seen (byte-identical copies are one instance; two different
 * objects under one UID are an error).
 */
final class SeriesInventory {
  private static final class Summary {
    final String modality;
    final String description;
    int instances;

    Summary(String modality, String description) {
      this.modality = modality;
      this.description = description;
    }
  }

  private record Seen(byte[] digest, String source) {}

  private final Map<String, Summary> series = new LinkedHashMap<>();
  private final Map<String, Seen> bytesBySop = new HashMap<>();
  private final Set<String> counted = new HashSet<>();

  /** The source of an earlier instance with the same SOP Instance UID and the same bytes, else null (and remembers these). */
  String duplicateOf(AttributeList list, byte[] bytes, String source) {
    String sop = string(list, "SOPInstanceUID");
    if (sop == null || sop.isEmpty()) return null;
    byte[] digest = sha256(bytes);
    Seen earlier = bytesBySop.putIfAbsent(sop, new Seen(digest, source));
    return earlier != null && Arrays.equals(earlier.digest, digest) ? earlier.source : null;
  }

  /** Counts an image instance for its series; false if its SOP Instance UID was counted before. */
  boolean count(AttributeList list, String seriesUid, String who) {
    String sop = string(list, "SOPInstanceUID");
    if (!counted.add(sop)) return false;
    series.computeIfAbsent(seriesUid, k -> new Summary(string(list, "Modality"), string(list, "SeriesDescription"))).instances++;
    return true;
  }

  int seriesCount() {
    return series.size();
  }

  /** "UID (CT, 3 instances, "description"); ..." in the order first seen. */
  String describe() {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, Summary> e : series.entrySet()) {
      Summary s = e.getValue();
      if (b.length() > 0) b.append("; ");
      b.append(e.getKey()).append(" (").append(s.modality == null || s.modality.isEmpty() ? "no modality" : s.modality)
          .append(", ").append(s.instances).append(s.instances == 1 ? " instance" : " instances");
      if (s.description != null && !s.description.isEmpty()) b.append(", \"").append(s.description).append('"');
      b.append(')');
    }
    return b.toString();
  }

  private static byte[] sha256(byte[] bytes) {
    return Digests.sha256(bytes);
  }
}
