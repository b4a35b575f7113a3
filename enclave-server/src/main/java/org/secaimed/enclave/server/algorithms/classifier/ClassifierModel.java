package org.secaimed.enclave.server.algorithms.classifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.secaimed.dicom.exchange.ResultPayloads;
import org.secaimed.dicom.seg.SegmentDescription;

/**
 * A trained voxel classifier as stored in the enclave's model store (docs/algorithms.md): feature
 * standardisation, softmax weights, and the segment each class stands for (class 0 = background).
 * Serialised as canonical JSON so the same training gives the same bytes and digest.
 */
record ClassifierModel(double[] mean, double[] std, double[][] weights, List<SegmentDescription> segments) {
  static final String FORMAT = "secaimed-voxel-classifier";
  static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  int classes() {
    return segments.size() + 1;
  }

  /** Label value written for class c (0 for background). */
  int labelOf(int c) {
    return c == 0 ? 0 : segments.get(c - 1).number();
  }

  byte[] toBytes() {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    ArrayNode names = root.putArray("features");
    for (String n : VoxelFeatures.NAMES) names.add(n);
    doubles(root.putArray("mean"), mean);
    doubles(root.putArray("std"), std);
    ArrayNode w = root.putArray("weights");
    for (double[] row : weights) doubles(w.addArray(), row);
    ArrayNode s = root.putArray("segments");
    for (SegmentDescription d : segments) s.add(ResultPayloads.segmentJson(d));
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("model serialisation failed", e);
    }
  }

  static ClassifierModel fromBytes(byte[] bytes) throws IOException {
    JsonNode root = JSON.readTree(bytes);
    if (!FORMAT.equals(root.path("format").asText()) || root.path("version").asInt() != VERSION) {
      throw new IOException("not a " + FORMAT + " v" + VERSION + " model");
    }
    if (root.path("features").size() != VoxelFeatures.COUNT) throw new IOException("model was trained on other features");
    List<SegmentDescription> segments = new ArrayList<>();
    for (JsonNode d : root.path("segments")) segments.add(ResultPayloads.segmentFromJson(d));
    double[][] w = new double[root.path("weights").size()][];
    for (int c = 0; c < w.length; c++) w[c] = doubles(root.path("weights").get(c), VoxelFeatures.COUNT + 1);
    if (w.length != segments.size() + 1) throw new IOException("weights do not match segments");
    return new ClassifierModel(doubles(root.path("mean"), VoxelFeatures.COUNT), doubles(root.path("std"), VoxelFeatures.COUNT), w, segments);
  }

  private static void doubles(ArrayNode a, double[] v) {
    for (double x : v) a.add(x);
  }

  private static double[] doubles(JsonNode a, int n) throws IOException {
    if (!a.isArray() || a.size() != n) throw new IOException("expected " + n + " numbers");
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = a.get(i).asDouble(Double.NaN);
      if (!Double.isFinite(v[i])) throw new IOException("non-finite model value");
    }
    return v;
  }
}
