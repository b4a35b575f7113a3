package org.secaimed.dicom.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.secaimed.dicom.seg.SegmentDescription;

/**
 * What a provider says about its segmentation model (the metadata of a model bundle): id, version,
 * the modality it reads, how its input is laid out and which segments its output classes mean.
 * Both the provider's packaging tool (no model runtime) and the enclave's runtime read this, so it
 * lives with the other exchange formats.
 *
 * <pre>{@code
 * {"id": "phantom-ct-cnn", "version": "1.0.0", "modality": "CT", "runtime": "onnx",
 *  "input":  {"name": "hu", "units": "HU", "plane": "axial", "pixelSpacingMm": 2.0},
 *  "output": {"name": "logits", "features": "features"},
 *  "segments": [{"number": 1, "label": "Body", "category": {...}, "type": {...}, ...}]}
 * }</pre>
 * Output class c is segment number c (0 is background), so segment numbers must be 1..N in order.
 * {@code output.features} (optional) names the input of the model's final 1x1 layer, [N, C, H, W]:
 * a model that exposes it can be fine-tuned in the enclave (that last layer is re-fitted).
 */
public record ModelManifest(String id, String version, String modality, String runtime, Input input, String outputName,
                            List<SegmentDescription> segments, String featuresName) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> RUNTIMES = Set.of("onnx");
  private static final String NAME = "[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}";

  /** The model's input: tensor name, units, slice plane and in-plane pixel spacing of its grid. */
  public record Input(String name, String units, String plane, double pixelSpacingMm) {}

  public ModelManifest {
    segments = segments == null ? null : List.copyOf(segments);
  }

  /** A manifest without a features output (not fine-tunable). */
  public ModelManifest(String id, String version, String modality, String runtime, Input input, String outputName, List<SegmentDescription> segments) {
    this(id, version, modality, runtime, input, outputName, segments, null);
  }

  /** Whether the model exposes the features of its last layer, so the enclave can fine-tune that layer. */
  public boolean fineTunable() {
    return featuresName != null;
  }

  /** Output classes the model produces: background plus one per segment. */
  public int classes() {
    return segments.size() + 1;
  }

  /** Checks every rule; the exception names the first field that breaks one. */
  public ModelManifest validated() throws ModelManifestException {
    require(id != null && id.matches(NAME), "id", "must match " + NAME);
    require(version != null && version.matches(NAME), "version", "must match " + NAME);
    require("CT".equals(modality) || "MR".equals(modality), "modality", "must be CT or MR");
    require(RUNTIMES.contains(runtime), "runtime", "must be one of " + RUNTIMES);
    require(input != null, "input", "is required");
    require(input.name() != null && !input.name().isBlank(), "input.name", "is required");
    require("HU".equals(input.units()) || "stored".equals(input.units()), "input.units", "must be HU or stored");
    require("axial".equals(input.plane()), "input.plane", "must be axial (2-D slice models)");
    require(input.pixelSpacingMm() >= 0.1 && input.pixelSpacingMm() <= 20, "input.pixelSpacingMm", "must be in 0.1..20");
    require(outputName != null && !outputName.isBlank(), "output.name", "is required");
    require(featuresName == null || (!featuresName.isBlank() && !featuresName.equals(outputName)), "output.features", "must name another output than output.name");
    require(segments != null && !segments.isEmpty() && segments.size() <= 255, "segments", "must list 1..255 segments");
    for (int i = 0; i < segments.size(); i++) {
      require(segments.get(i).number() == i + 1, "segments[" + i + "].number", "must be " + (i + 1) + " (output class " + (i + 1) + ")");
    }
    return this;
  }

  public static ModelManifest parse(byte[] json) throws ModelManifestException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new ModelManifestException("$", "not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ModelManifestException("$", "cannot read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) throw new ModelManifestException("$", "must be a JSON object");
    JsonNode in = root.path("input");
    Input input = in.isObject() ? new Input(text(in, "name"), text(in, "units"), text(in, "plane"), in.path("pixelSpacingMm").asDouble(Double.NaN)) : null;
    List<SegmentDescription> segments = new ArrayList<>();
    JsonNode list = root.path("segments");
    for (int i = 0; i < list.size(); i++) {
      try {
        segments.add(ResultPayloads.segmentFromJson(list.get(i)));
      } catch (IllegalArgumentException | NullPointerException e) { // the record's own checks name the rule
        throw new ModelManifestException("segments[" + i + "]", e.getMessage());
      }
    }
    return new ModelManifest(text(root, "id"), text(root, "version"), text(root, "modality"), text(root, "runtime"), input,
        text(root.path("output"), "name"), list.isArray() ? segments : null, text(root.path("output"), "features")).validated();
  }

  /** The canonical JSON form (field order fixed), as the bundle and the catalogue carry it. */
  public ObjectNode toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", id);
    n.put("version", version);
    n.put("modality", modality);
    n.put("runtime", runtime);
    ObjectNode in = n.putObject("input");
    in.put("name", input.name());
    in.put("units", input.units());
    in.put("plane", input.plane());
    in.put("pixelSpacingMm", input.pixelSpacingMm());
    ObjectNode out = n.putObject("output").put("name", outputName);
    if (featuresName != null) out.put("features", featuresName);
    segments.forEach(s -> n.withArray("segments").add(ResultPayloads.segmentJson(s)));
    return n;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  private static void require(boolean ok, String field, String message) throws ModelManifestException {
    if (!ok) throw new ModelManifestException(field, message);
  }
}
