package org.secaimed.dicom.exchange;

import org.secaimed.connector.SecaimedFailure;
import org.secaimed.connector.io.Digests;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.secaimed.dicom.exchange.ResultPayloadException.Reason;
import org.secaimed.dicom.seg.CodedConcept;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.LabelSlices;
import org.secaimed.dicom.volume.LabelVolume;

/**
 * Writes and reads result payloads (docs/payload-formats.md): a pax tar with {@code result.json}
 * first and, for segmentations, {@code labels.u8.gz} (gzip of one unsigned byte per voxel, column
 * index fastest) whose uncompressed SHA-256 and length result.json states. Label maps compress
 * about a hundredfold, so a 512x512x300 result is about 1 MB instead of 79.
 */
public final class ResultPayloads {
  static final String FORMAT_NAME = "secaimed-result";
  static final int VERSION = 1;
  static final String RESULT_ENTRY = "result.json";
  static final String LABELS_ENTRY = "labels.u8.gz";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ResultPayloads() {}

  /** Writes {@code result} to {@code sink} and closes it (so a sealing sink seals its last chunk). */
  public static void write(ResultPayload result, OutputStream sink) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT_NAME);
    root.put("version", VERSION);
    root.put("kind", result.kind());
    root.set("algorithm", algorithmJson(result.algorithm()));
    ArrayNode metrics = root.putArray("metrics");
    for (Metric m : result.metrics()) {
      ObjectNode n = metrics.addObject();
      n.put("name", m.name());
      n.put("segment", m.segment());
      n.put("value", m.value());
      if (m.unit() != null) n.put("unit", m.unit());
    }
    byte[] labels = null;
    if (result instanceof ResultPayload.Segmentation s) {
        labels = s.labels().labels();
        ObjectNode seg = root.putObject("segmentation");
        seg.set("geometry", geometryJson(s.labels().geometry()));
        ArrayNode segments = seg.putArray("segments");
        for (SegmentDescription d : s.segments()) segments.add(segmentJson(d));
        if (s.source() != null) {
          ObjectNode src = seg.putObject("source");
          src.put("studyInstanceUid", s.source().studyInstanceUid());
          src.put("seriesInstanceUid", s.source().seriesInstanceUid());
          src.put("frameOfReferenceUid", s.source().frameOfReferenceUid());
          ArrayNode uids = src.putArray("sopInstanceUids");
          s.source().sopInstanceUids().forEach(uids::add);
        }
        ObjectNode l = seg.putObject("labels");
        l.put("entry", LABELS_ENTRY);
        l.put("encoding", "uint8");
        l.put("compression", "gzip");
        l.put("length", labels.length);
        l.put("sha256", Digests.sha256Hex(labels));
    }
    ModelInfo model = switchModel(result);
    if (model != null) {
      ObjectNode m = root.putObject("model");
      m.put("id", model.id());
      m.put("digest", model.digest());
      m.put("trainedBy", model.trainedBy());
    }
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(sink, StandardCharsets.UTF_8.name())) {
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      putEntry(tar, RESULT_ENTRY, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
      if (labels != null) putEntry(tar, LABELS_ENTRY, gzip(labels));
      tar.finish();
    }
  }

  private static ModelInfo switchModel(ResultPayload result) {
    if (result instanceof ResultPayload.Segmentation s) return s.model();
    if (result instanceof ResultPayload.Training t) return t.model();
    return ((ResultPayload.Evaluation) result).model();
  }

  /** Reads and checks a result payload; the label bytes must match the stated length and SHA-256. */
  public static ResultPayload read(InputStream source) throws IOException {
    TarArchiveInputStream tar = new TarArchiveInputStream(source, StandardCharsets.UTF_8.name());
    Header h = readHeader(tar);
    try {
      ResultPayload result = switch (h.kind()) {
        case "segmentation" -> readSegmentation(tar, segmentationHeader(h.root().path("segmentation")), h);
        case "training" -> new ResultPayload.Training(h.algorithm(), h.model(), h.metrics());
        case "evaluation" -> new ResultPayload.Evaluation(h.algorithm(), h.model(), h.metrics());
        default -> throw new ResultPayloadException(Reason.MALFORMED, "kind", "unknown kind '" + h.kind() + "'");
      };
      if (nextEntry(tar) != null) throw new ResultPayloadException(Reason.MALFORMED, null, "unexpected entry after the payload");
      return result;
    } catch (RuntimeException e) {
      // Record constructors validate every field; whatever they reject is a malformed payload.
      throw new ResultPayloadException(Reason.MALFORMED, RESULT_ENTRY, e.getMessage(), e);
    }
  }

  /**
   * Reads and checks a segmentation result as {@link #read} does — label length, SHA-256, every
   * value described — in one pass that holds one slice of labels at a time, then reads the opened
   * stream to its end (where an opening stream checks what it must). The labels of the returned
   * result are read again from {@code source} on every pass; each full pass checks the SHA-256
   * again. {@code source} must give the same bytes every time (the sealed result, opened again).
   */
  public static StreamedSegmentation readStreamed(ResultSource source) throws IOException {
    return readStreamed(source, 0);
  }

  /**
   * As {@link #readStreamed(ResultSource)}, but a label map of at most {@code keepInMemoryBytes}
   * is kept from the checking pass, so the SEG writer's passes (one per segment and for the UID
   * seed) read memory instead of decrypting and inflating the result again each time; larger ones
   * stream. The operator passes a share of its heap ({@link #inMemoryBudget()}).
   */
  public static StreamedSegmentation readStreamed(ResultSource source, long keepInMemoryBytes) throws IOException {
    try (InputStream in = source.open()) {
      TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name());
      Header h = readHeader(tar);
      if (!"segmentation".equals(h.kind())) {
        throw new ResultPayloadException(Reason.MALFORMED, "kind", "expected a segmentation result, got '" + h.kind() + "'");
      }
      try {
        SegmentationHeader seg = segmentationHeader(h.root().path("segmentation"));
        ResultLabels labels = new ResultLabels(source, seg.geometry(), seg.sha256());
        byte[] kept = seg.geometry().voxelCount() <= keepInMemoryBytes ? new byte[(int) seg.geometry().voxelCount()] : null;
        boolean[] present;
        try (ResultLabels.LabelPass pass = labels.passOver(tar)) {
          present = pass.readAllCheckingDigest(kept);
        }
        checkDescribed(present, seg.segments());
        if (nextEntry(tar) != null) throw new ResultPayloadException(Reason.MALFORMED, null, "unexpected entry after the payload");
        in.transferTo(OutputStream.nullOutputStream());
        LabelSlices slices = kept == null ? labels : new LabelVolume(seg.geometry(), kept);
        return new StreamedSegmentation(h.algorithm(), slices, seg.segments(), seg.source(), h.model(), h.metrics());
      } catch (RuntimeException e) {
        throw new ResultPayloadException(Reason.MALFORMED, RESULT_ENTRY, e.getMessage(), e);
      }
    }
  }

  /** What the operator keeps in memory of a label map: an eighth of its maximum heap (-Xmx256m: 32 MiB). */
  public static long inMemoryBudget() {
    return Runtime.getRuntime().maxMemory() / 8;
  }

  /** result.json's fields common to every kind. */
  private record Header(JsonNode root, String kind, AlgorithmRef algorithm, List<Metric> metrics, ModelInfo model) {}

  private static Header readHeader(TarArchiveInputStream tar) throws IOException {
    TarArchiveEntry first = nextEntry(tar);
    if (first == null || !RESULT_ENTRY.equals(first.getName())) {
      throw new ResultPayloadException(Reason.NOT_A_RESULT, null, "first entry is not " + RESULT_ENTRY);
    }
    if (first.getSize() > (1 << 26)) throw new ResultPayloadException(Reason.MALFORMED, RESULT_ENTRY, "too large");
    JsonNode root;
    try {
      root = JSON.readTree(readFully(tar, (int) first.getSize(), RESULT_ENTRY));
    } catch (IOException e) {
      // Ours, and the opening stream's (a tampered chunk is not "not JSON"), pass through with their reasons.
      if (e instanceof SecaimedFailure) throw e;
      throw new ResultPayloadException(Reason.MALFORMED, RESULT_ENTRY, "not JSON", e);
    }
    if (!FORMAT_NAME.equals(root.path("format").asText()) || root.path("version").asInt(-1) != VERSION) {
      throw new ResultPayloadException(Reason.NOT_A_RESULT, "format", "unsupported format/version");
    }
    try {
      AlgorithmRef algorithm = new AlgorithmRef(text(root, "algorithm", "id"), text(root, "algorithm", "version"), text(root, "algorithm", "digest"));
      List<Metric> metrics = new ArrayList<>();
      for (JsonNode m : root.path("metrics")) {
        metrics.add(new Metric(m.path("name").asText(null), m.path("segment").asInt(0), m.path("value").asDouble(Double.NaN), m.hasNonNull("unit") ? m.get("unit").asText() : null));
      }
      String kind = root.path("kind").asText();
      ModelInfo model = root.has("model")
          ? new ModelInfo(text(root, "model", "id"), text(root, "model", "digest"), text(root, "model", "trainedBy")) : null;
      if ("training".equals(kind) && model == null) throw new ResultPayloadException(Reason.MALFORMED, "model", "training result without model");
      return new Header(root, kind, algorithm, metrics, model);
    } catch (RuntimeException e) {
      throw new ResultPayloadException(Reason.MALFORMED, RESULT_ENTRY, e.getMessage(), e);
    }
  }

  /** Labels in one slice at most (8192 x 8192): larger frames are not CT or MR, and one slice is what the site holds. */
  static final int MAX_SLICE_LABELS = 8192 * 8192;

  /** What result.json says of a segmentation; the label count is checked against the geometry. */
  private record SegmentationHeader(ImageGeometry geometry, List<SegmentDescription> segments, SourceReference source, long length,
      String sha256) {}

  private static SegmentationHeader segmentationHeader(JsonNode seg) throws ResultPayloadException {
    JsonNode g = seg.path("geometry");
    ImageGeometry geometry = new ImageGeometry(g.path("columns").asInt(), g.path("rows").asInt(), g.path("slices").asInt(),
        vec(g, "spacing"), vec(g, "origin"), vec(g, "rowDirection"), vec(g, "columnDirection"), vec(g, "sliceDirection"));
    List<SegmentDescription> segments = new ArrayList<>();
    for (JsonNode d : seg.path("segments")) segments.add(segmentFromJson(d));
    SourceReference source = null;
    if (seg.has("source")) {
      JsonNode s = seg.get("source");
      List<String> uids = new ArrayList<>();
      s.path("sopInstanceUids").forEach(u -> uids.add(u.asText()));
      source = new SourceReference(s.path("studyInstanceUid").asText(null), s.path("seriesInstanceUid").asText(null), s.path("frameOfReferenceUid").asText(null), uids);
    }
    long length = seg.path("labels").path("length").asLong(-1);
    String sha = seg.path("labels").path("sha256").asText("");
    if (geometry.voxelCount() > Integer.MAX_VALUE - 16) {
      throw new ResultPayloadException(Reason.MALFORMED, "segmentation.geometry", "more voxels than one label array can hold");
    }
    // Checked before a slice buffer exists: the site reads labels a slice at a time in a small heap,
    // and result.json is parsed before the opening stream reaches the receipt's digest at the end.
    if (geometry.frameSize() > MAX_SLICE_LABELS) {
      throw new ResultPayloadException(Reason.MALFORMED, "segmentation.geometry",
          geometry.columns() + "x" + geometry.rows() + " labels per slice, more than " + MAX_SLICE_LABELS);
    }
    if (length != geometry.voxelCount()) {
      throw new ResultPayloadException(Reason.LABELS_MISMATCH, "segmentation.labels.length", length + " labels for geometry " + geometry);
    }
    SegmentationChecks.check(segments, source, geometry.slices());
    return new SegmentationHeader(geometry, segments, source, length, sha);
  }

  /** The labels entry, checked against its stated length before anything is inflated. */
  static TarArchiveEntry labelsEntry(TarArchiveInputStream tar, long length) throws IOException {
    TarArchiveEntry entry = nextEntry(tar);
    if (entry == null || !LABELS_ENTRY.equals(entry.getName())) throw new ResultPayloadException(Reason.TRUNCATED, LABELS_ENTRY, "label entry missing");
    // gzip never grows data by more than a few bytes per 32 KB block: anything larger is not our writer's.
    if (entry.getSize() > length + (length >> 4) + (1 << 16)) throw new ResultPayloadException(Reason.MALFORMED, LABELS_ENTRY, "entry larger than its labels could compress to");
    return entry;
  }

  private static ResultPayload.Segmentation readSegmentation(TarArchiveInputStream tar, SegmentationHeader seg, Header h) throws IOException {
    TarArchiveEntry entry = labelsEntry(tar, seg.length());
    byte[] labels = gunzip(readFully(tar, (int) entry.getSize(), LABELS_ENTRY), (int) seg.length());
    if (!Digests.sha256Hex(labels).equals(seg.sha256())) throw new ResultPayloadException(Reason.LABELS_MISMATCH, LABELS_ENTRY, "SHA-256 does not match result.json");
    boolean[] present = new boolean[256];
    for (byte b : labels) present[b & 0xFF] = true;
    checkDescribed(present, seg.segments());
    return new ResultPayload.Segmentation(h.algorithm(), new LabelVolume(seg.geometry(), labels), seg.segments(), seg.source(), h.model(), h.metrics());
  }

  private static void checkDescribed(boolean[] present, List<SegmentDescription> segments) throws ResultPayloadException {
    java.util.Set<Integer> described = new java.util.HashSet<>();
    segments.forEach(d -> described.add(d.number()));
    for (int v = 1; v < 256; v++) {
      if (present[v] && !described.contains(v)) throw new ResultPayloadException(Reason.LABELS_MISMATCH, LABELS_ENTRY, "label value " + v + " has no segment description");
    }
  }

  static ObjectNode algorithmJson(AlgorithmRef a) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", a.id());
    n.put("version", a.version());
    n.put("digest", a.digest());
    return n;
  }

  /** The JSON form of a geometry used in payloads and the algorithm catalogue. */
  public static ObjectNode geometryJson(ImageGeometry g) {
    ObjectNode n = JSON.createObjectNode();
    n.put("columns", g.columns());
    n.put("rows", g.rows());
    n.put("slices", g.slices());
    for (String name : List.of("spacing", "origin", "rowDirection", "columnDirection", "sliceDirection")) {
      double[] v = switch (name) {
        case "spacing" -> g.spacing();
        case "origin" -> g.origin();
        case "rowDirection" -> g.rowDirection();
        case "columnDirection" -> g.columnDirection();
        default -> g.sliceDirection();
      };
      ArrayNode a = n.putArray(name);
      for (double x : v) a.add(x);
    }
    return n;
  }

  /** The JSON form of a segment description used in payloads and the algorithm catalogue. */
  public static ObjectNode segmentJson(SegmentDescription d) {
    ObjectNode n = JSON.createObjectNode();
    n.put("number", d.number());
    n.put("label", d.label());
    n.set("category", codeJson(d.category()));
    n.set("type", codeJson(d.type()));
    if (d.anatomicRegion() != null) n.set("anatomicRegion", codeJson(d.anatomicRegion()));
    n.put("algorithmType", d.algorithmType().name());
    if (d.algorithmName() != null) n.put("algorithmName", d.algorithmName());
    if (d.recommendedDisplayRgb() != null) {
      ArrayNode rgb = n.putArray("recommendedDisplayRgb");
      for (int c : d.recommendedDisplayRgb()) rgb.add(c);
    }
    return n;
  }

  /** Reads a segment description from its JSON form ({@link #segmentJson}). */
  public static SegmentDescription segmentFromJson(JsonNode n) {
    int[] rgb = null;
    if (n.has("recommendedDisplayRgb")) {
      JsonNode a = n.get("recommendedDisplayRgb");
      rgb = new int[a.size()];
      for (int i = 0; i < rgb.length; i++) rgb[i] = a.get(i).asInt();
    }
    return new SegmentDescription(n.path("number").asInt(), n.path("label").asText(null), code(n.get("category")), code(n.get("type")),
        n.has("anatomicRegion") ? code(n.get("anatomicRegion")) : null,
        SegmentDescription.AlgorithmType.valueOf(n.path("algorithmType").asText("")),
        n.hasNonNull("algorithmName") ? n.get("algorithmName").asText() : null, rgb);
  }

  private static ObjectNode codeJson(CodedConcept c) {
    ObjectNode n = JSON.createObjectNode();
    n.put("value", c.value());
    n.put("scheme", c.scheme());
    n.put("meaning", c.meaning());
    return n;
  }

  private static CodedConcept code(JsonNode n) {
    if (n == null) return null;
    return new CodedConcept(n.path("value").asText(null), n.path("scheme").asText(null), n.path("meaning").asText(null));
  }

  private static double[] vec(JsonNode g, String name) throws ResultPayloadException {
    JsonNode a = g.path(name);
    if (!a.isArray() || a.size() != 3) throw new ResultPayloadException(Reason.MALFORMED, "segmentation.geometry." + name, "must be 3 numbers");
    return new double[] {a.get(0).asDouble(Double.NaN), a.get(1).asDouble(Double.NaN), a.get(2).asDouble(Double.NaN)};
  }

  private static String text(JsonNode root, String object, String field) throws ResultPayloadException {
    JsonNode n = root.path(object).path(field);
    if (!n.isTextual()) throw new ResultPayloadException(Reason.MALFORMED, object + "." + field, "missing");
    return n.asText();
  }

  private static byte[] gzip(byte[] data) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(Math.max(1024, data.length / 32));
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out, 1 << 16) {
      { def.setLevel(java.util.zip.Deflater.BEST_SPEED); }
    }) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  /** Inflates exactly {@code length} bytes; more or fewer is a mismatch, so a zip bomb stops at the stated size. */
  private static byte[] gunzip(byte[] compressed, int length) throws ResultPayloadException {
    byte[] out = new byte[length];
    try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(compressed), 1 << 16)) {
      int off = 0;
      while (off < length) {
        int n = in.read(out, off, length - off);
        if (n < 0) throw new ResultPayloadException(Reason.LABELS_MISMATCH, LABELS_ENTRY, "inflates to " + off + " bytes, expected " + length);
        off += n;
      }
      if (in.read() >= 0) throw new ResultPayloadException(Reason.LABELS_MISMATCH, LABELS_ENTRY, "inflates to more than " + length + " bytes");
    } catch (ResultPayloadException e) {
      throw e;
    } catch (IOException e) {
      throw new ResultPayloadException(Reason.MALFORMED, LABELS_ENTRY, "not gzip: " + e.getMessage(), e);
    }
    return out;
  }

  private static void putEntry(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(content.length);
    e.setMode(0600);
    e.setModTime(0L);
    tar.putArchiveEntry(e);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  static TarArchiveEntry nextEntry(TarArchiveInputStream tar) throws IOException {
    return TarEntries.nextEntry(tar, ERRORS);
  }

  private static final TarEntries.Errors ERRORS = new TarEntries.Errors() {
    @Override
    public IOException malformed(String where, String message, Throwable cause) {
      return new ResultPayloadException(Reason.MALFORMED, where, message, cause);
    }

    @Override
    public IOException truncated(String where, String message) {
      return new ResultPayloadException(Reason.TRUNCATED, where, message);
    }
  };

  private static byte[] readFully(TarArchiveInputStream tar, int size, String where) throws IOException {
    return TarEntries.readFully(tar, size, where, ERRORS);
  }
}
