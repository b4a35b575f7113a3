package org.secaimed.enclave.server.algorithms;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.secaimed.enclave.server.algorithms.AlgorithmException.Reason;
import org.secaimed.dicom.seg.CodedConcept;
import org.secaimed.dicom.seg.SegmentDescription;

/** The algorithms this enclave offers, by id; resolves a task request to exactly one of them or fails closed. */
public final class AlgorithmCatalogue {
  private final Map<String, Algorithm> byId = new LinkedHashMap<>();

  public AlgorithmCatalogue(List<? extends Algorithm> algorithms) {
    for (Algorithm a : algorithms) {
      if (byId.putIfAbsent(a.descriptor().id(), a) != null) throw new IllegalArgumentException("duplicate algorithm id " + a.descriptor().id());
    }
  }

  public List<AlgorithmDescriptor> descriptors() {
    return byId.values().stream().map(Algorithm::descriptor).toList();
  }

  public Optional<AlgorithmDescriptor> find(String id) {
    return Optional.ofNullable(byId.get(id)).map(Algorithm::descriptor);
  }

  /** The algorithm for a request: known id, same version, pinned digest (if any) equal, kind supported. */
  public Algorithm resolve(TaskRequest request) throws AlgorithmException {
    Algorithm a = byId.get(request.algorithmId());
    if (a == null) throw new AlgorithmException(Reason.UNKNOWN_ALGORITHM, "algorithm.id", "no algorithm '" + request.algorithmId() + "' in the catalogue");
    AlgorithmDescriptor d = a.descriptor();
    if (!d.version().equals(request.version())) {
      throw new AlgorithmException(Reason.VERSION_MISMATCH, "algorithm.version", d.id() + " is version " + d.version() + ", request asks for " + request.version());
    }
    if (request.expectedDigest() != null && !d.digest().equals(request.expectedDigest())) {
      throw new AlgorithmException(Reason.DIGEST_MISMATCH, "algorithm.digest", d.id() + " digest is " + d.digest() + ", request pins " + request.expectedDigest());
    }
    if (!d.taskKinds().contains(request.kind())) {
      throw new AlgorithmException(Reason.UNSUPPORTED_TASK_KIND, "kind", d.id() + " does not support " + request.kind().wireName());
    }
    return a;
  }

  /**
   * The catalogue as GET /v1/algorithms returns it (gateway-v1.yaml {@code Algorithm}): id, version,
   * digest, kinds, modality, description, segments[{labelValue, label, category, type, anatomicRegion}].
   */
  public List<Map<String, Object>> toWire() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (AlgorithmDescriptor d : descriptors()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", d.id());
      m.put("version", d.version());
      m.put("digest", d.digest());
      m.put("kinds", d.taskKinds().stream().sorted().map(TaskKind::wireName).toList());
      m.put("modality", d.inputModality());
      m.put("description", d.description());
      List<Map<String, Object>> segments = new ArrayList<>();
      for (SegmentDescription s : d.outputSegments()) {
        Map<String, Object> seg = new LinkedHashMap<>();
        seg.put("labelValue", s.number());
        seg.put("label", s.label());
        seg.put("category", code(s.category()));
        seg.put("type", code(s.type()));
        if (s.anatomicRegion() != null) seg.put("anatomicRegion", code(s.anatomicRegion()));
        segments.add(seg);
      }
      m.put("segments", segments);
      out.add(m);
    }
    return out;
  }

  private static Map<String, Object> code(CodedConcept c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scheme", c.scheme());
    m.put("value", c.value());
    m.put("meaning", c.meaning());
    return m;
  }
}
