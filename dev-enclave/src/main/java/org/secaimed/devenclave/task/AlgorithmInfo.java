package org.secaimed.devenclave.task;

import java.util.List;

/**
 * One catalogue entry, as {@code GET /v1/algorithms} lists it.
 *
 * @param digest {@code sha256:<hex>} of the algorithm's code or model; a task must name it exactly
 * @param kinds task kinds it serves: segmentation, training, evaluation
 * @param segments the segments a segmentation writes (label value, label, coded category and type)
 */
public record AlgorithmInfo(String id, String version, String digest, List<String> kinds, String modality, String description,
    List<Segment> segments) {

  public AlgorithmInfo {
    kinds = List.copyOf(kinds);
    segments = segments == null ? List.of() : List.copyOf(segments);
  }

  public record Segment(int labelValue, String label, Code category, Code type) {}

  public record Code(String scheme, String value, String meaning) {}
}
