package org.secaimed.dicom.exchange;

import java.util.List;

/** The plaintext the enclave seals back to the site; one of three kinds. */
public sealed interface ResultPayload permits ResultPayload.Segmentation, ResultPayload.Training, ResultPayload.Evaluation {

  AlgorithmRef algorithm();

  List<Metric> metrics();

  /** Wire name of the kind: segmentation, training or evaluation. */
  String kind();

  /**
   * Labels on the source geometry, what each label means, and where it came from; {@code model} is
   * the enclave-held model that produced them, or null for a model-free algorithm.
   */
  record Segmentation(
      AlgorithmRef algorithm,
      org.secaimed.dicom.volume.LabelVolume labels,
      List<org.secaimed.dicom.seg.SegmentDescription> segments,
      SourceReference source,
      ModelInfo model,
      List<Metric> metrics)
      implements ResultPayload {
    public Segmentation {
      java.util.Objects.requireNonNull(algorithm, "algorithm");
      java.util.Objects.requireNonNull(labels, "labels");
      segments = List.copyOf(segments);
      metrics = List.copyOf(metrics);
      SegmentationChecks.check(segments, source, labels.geometry().slices());
    }

    @Override
    public String kind() {
      return "segmentation";
    }
  }

  /** A model was trained and kept in the enclave; only its id, digest and metrics come back. */
  record Training(AlgorithmRef algorithm, ModelInfo model, List<Metric> metrics) implements ResultPayload {
    public Training {
      java.util.Objects.requireNonNull(algorithm, "algorithm");
      java.util.Objects.requireNonNull(model, "model");
      metrics = List.copyOf(metrics);
    }

    @Override
    public String kind() {
      return "training";
    }
  }

  /** An algorithm or model ({@code model}, or null) was scored against reference segmentations; only metrics come back. */
  record Evaluation(AlgorithmRef algorithm, ModelInfo model, List<Metric> metrics) implements ResultPayload {
    public Evaluation {
      java.util.Objects.requireNonNull(algorithm, "algorithm");
      metrics = List.copyOf(metrics);
    }

    @Override
    public String kind() {
      return "evaluation";
    }
  }
}
