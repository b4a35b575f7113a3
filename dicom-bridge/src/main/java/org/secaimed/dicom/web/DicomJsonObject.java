package org.secaimed.dicom.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One dataset in the DICOM JSON model (PS3.18 F.2): keys are 8-hex-digit tags, each with a
 * {@code vr} and {@code Value} array (or {@code BulkDataURI}). Read-only accessors by tag number,
 * e.g. {@code string(0x0020000D)} for the Study Instance UID.
 */
public final class DicomJsonObject {
  private final ObjectNode node;

  public DicomJsonObject(ObjectNode node) {
    this.node = node;
  }

  /** The underlying JSON, for attributes without a typed accessor. */
  public ObjectNode json() {
    return node;
  }

  public static String key(int tag) {
    return String.format(Locale.ROOT, "%08X", tag);
  }

  public boolean has(int tag) {
    return node.has(key(tag));
  }

  public Optional<String> vr(int tag) {
    JsonNode e = node.get(key(tag));
    return e == null || !e.hasNonNull("vr") ? Optional.empty() : Optional.of(e.get("vr").asText());
  }

  /** The first value as text (person names as their Alphabetic component), or null when absent or empty. */
  public String string(int tag) {
    List<String> all = strings(tag);
    return all.isEmpty() ? null : all.get(0);
  }

  public List<String> strings(int tag) {
    JsonNode values = values(tag);
    List<String> out = new ArrayList<>();
    if (values == null) return out;
    for (JsonNode v : values) {
      if (v.isObject() && v.has("Alphabetic")) out.add(v.get("Alphabetic").asText());
      else if (!v.isNull() && !v.isContainerNode()) out.add(v.asText());
    }
    return out;
  }

  public Optional<Integer> integer(int tag) {
    JsonNode values = values(tag);
    if (values == null || values.isEmpty() || !values.get(0).canConvertToInt()) {
      if (values != null && !values.isEmpty() && values.get(0).isTextual()) {
        try {
          return Optional.of(Integer.parseInt(values.get(0).asText().trim()));
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
      return Optional.empty();
    }
    return Optional.of(values.get(0).asInt());
  }

  /** The items of a sequence attribute; empty when absent. */
  public List<DicomJsonObject> sequence(int tag) {
    JsonNode values = values(tag);
    List<DicomJsonObject> out = new ArrayList<>();
    if (values == null) return out;
    for (JsonNode v : values) if (v.isObject()) out.add(new DicomJsonObject((ObjectNode) v));
    return out;
  }

  /** The BulkDataURI of a large value (e.g. Pixel Data in metadata), if the server sent one. */
  public Optional<String> bulkDataUri(int tag) {
    JsonNode e = node.get(key(tag));
    return e == null || !e.hasNonNull("BulkDataURI") ? Optional.empty() : Optional.of(e.get("BulkDataURI").asText());
  }

  private JsonNode values(int tag) {
    JsonNode e = node.get(key(tag));
    if (e == null) return null;
    JsonNode v = e.get("Value");
    return v != null && v.isArray() ? v : null;
  }

  @Override
  public String toString() {
    // Deliberately no attribute values: they may be patient data.
    return "DicomJsonObject[" + node.size() + " attributes]";
  }
}
