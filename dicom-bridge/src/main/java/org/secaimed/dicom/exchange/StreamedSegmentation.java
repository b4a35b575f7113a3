package org.secaimed.dicom.exchange;

import java.util.List;
import java.util.Objects;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.volume.LabelSlices;

/**
 * A segmentation result as the operator handles it ({@link ResultPayloads#readStreamed}): checked
 * like {@link ResultPayload.Segmentation}, but its label map stays in the result and is read
 * again, slice by slice, on every pass, so it is never whole on the heap.
 */
public record StreamedSegmentation(
    AlgorithmRef algorithm,
    LabelSlices labels,
    List<SegmentDescription> segments,
    SourceReference source,
    ModelInfo model,
    List<Metric> metrics) {
  public StreamedSegmentation {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(labels, "labels");
    segments = List.copyOf(segments);
    metrics = List.copyOf(metrics);
    SegmentationChecks.check(segments, source, labels.geometry().slices());
  }
}
