package org.secaimed.dicom.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.secaimed.dicom.metadata.SegmentMetadataException.Reason;
import org.secaimed.dicom.seg.CodedConcept;

/**
 * Label name -> anatomic code, from a table in the format of Kaapana's {@code code_lookup_table.json}
 * (DICOM PS3.16 Annex L entries). Matching is deliberately strict: exact code meaning or Body Part
 * Examined after normalising case, '_', '-' and a Kaapana "group@" prefix, then the same without a
 * left/right word. Kaapana's substring and word-by-word fallbacks map "lung_vessels" to "Lung" and
 * unknown names to a fake "Custom" code; here an unmatched name is an error the operator must fix.
 */
public final class CodeLookup {
  private static final Set<String> LATERALITY = Set.of("left", "right", "l", "r", "bilateral");

  private final Map<String, CodedConcept> byName;

  private CodeLookup(Map<String, CodedConcept> byName) {
    this.byName = byName;
  }

  public static CodeLookup load(Path table) throws SegmentMetadataException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(table));
    } catch (IOException e) {
      throw new SegmentMetadataException(Reason.MALFORMED, table.getFileName() + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isArray()) throw new SegmentMetadataException(Reason.MALFORMED, table.getFileName() + ": expected a JSON array");
    Map<String, CodedConcept> m = new HashMap<>();
    for (JsonNode e : root) {
      String scheme = DcmqiMetadata.text(e, "Coding Scheme Designator");
      String value = DcmqiMetadata.text(e, "Code Value");
      String meaning = DcmqiMetadata.text(e, "Code Meaning");
      if (scheme == null || value == null || meaning == null) continue; // entries without a code (Annex L has a few)
      CodedConcept c = new CodedConcept(value, scheme, meaning);
      m.putIfAbsent(normalise(meaning), c);
      String body = DcmqiMetadata.text(e, "Body Part Examined");
      if (body != null) m.putIfAbsent(normalise(body), c);
    }
    return new CodeLookup(m);
  }

  /** An in-memory table, e.g. for tests or a site's own additions. */
  public static CodeLookup of(Map<String, CodedConcept> entries) {
    Map<String, CodedConcept> m = new HashMap<>();
    entries.forEach((k, v) -> m.put(normalise(k), v));
    return new CodeLookup(m);
  }

  public Optional<CodedConcept> resolve(String labelName) {
    String n = normalise(labelName);
    CodedConcept c = byName.get(n);
    if (c == null) c = byName.get(n.replace(" ", ""));
    if (c == null) {
      List<String> words = List.of(n.split(" "));
      String without = String.join(" ", words.stream().filter(w -> !LATERALITY.contains(w)).toList());
      if (!without.equals(n) && !without.isEmpty()) {
        c = byName.get(without);
        if (c == null) c = byName.get(without.replace(" ", ""));
      }
    }
    return Optional.ofNullable(c);
  }

  static String normalise(String s) {
    String t = s.toLowerCase(Locale.ROOT);
    int at = t.lastIndexOf('@');
    if (at >= 0) t = t.substring(at + 1);
    return t.replace('_', ' ').replace('-', ' ').replace(',', ' ').trim().replaceAll("\\s+", " ");
  }
}
