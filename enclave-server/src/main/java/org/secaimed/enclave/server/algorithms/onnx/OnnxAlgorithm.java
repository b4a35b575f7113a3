package org.secaimed.enclave.server.algorithms.onnx;

import java.util.List;
import java.util.Set;
import org.secaimed.dicom.exchange.Metric;
import org.secaimed.dicom.exchange.ModelInfo;
import org.secaimed.dicom.exchange.ModelManifest;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.LabelVolume;
import org.secaimed.enclave.server.algorithms.Algorithm;
import org.secaimed.enclave.server.algorithms.AlgorithmDescriptor;
import org.secaimed.enclave.server.algorithms.AlgorithmException;
import org.secaimed.enclave.server.algorithms.AlgorithmException.Reason;
import org.secaimed.enclave.server.algorithms.Cancellation;
import org.secaimed.enclave.server.algorithms.Parameters;
import org.secaimed.enclave.server.algorithms.Segmentation;
import org.secaimed.enclave.server.algorithms.Segmenter;
import org.secaimed.enclave.server.algorithms.TaskKind;
import org.secaimed.enclave.server.algorithms.ProgressListener;
import org.secaimed.enclave.server.algorithms.TrainedModel;
import org.secaimed.enclave.server.algorithms.TrainingCase;
import org.secaimed.enclave.server.algorithms.models.ModelStore;
import org.secaimed.onnx.LinearHead;
import org.secaimed.onnx.OnnxModelException;
import org.secaimed.onnx.OnnxSegmentationModel;

/**
 * A provider's ONNX segmentation model as a catalogue algorithm: id and version from its manifest,
 * digest = SHA-256 of the model bytes (so the catalogue, the task and the receipt name exactly the
 * weights that ran), segmentation and evaluation of the manifest's modality. A model that exposes
 * its last layer's features can also be fine-tuned (task kind training, see {@link OnnxFineTuning}:
 * only that layer is re-fitted); segmentation and evaluation then take {@code model=<id>} of the
 * fine-tuned head. The result names the model ({@link ModelInfo}) used.
 */
public final class OnnxAlgorithm implements Algorithm {
  private static final Set<String> FINE_TUNING_PARAMETERS = Set.of("model", "iterations", "samples", "learningRate", "seed");

  private final OnnxSegmentationModel model;
  private final ModelStore models;
  private final AlgorithmDescriptor descriptor;
  private final ModelInfo modelInfo;

  /** {@code models} keeps fine-tuned heads (inside the enclave's state). */
  public OnnxAlgorithm(OnnxSegmentationModel model, ModelStore models) {
    this.model = model;
    this.models = models;
    ModelManifest m = model.manifest();
    Set<TaskKind> kinds = m.fineTunable() ? Set.of(TaskKind.SEGMENTATION, TaskKind.EVALUATION, TaskKind.TRAINING)
        : Set.of(TaskKind.SEGMENTATION, TaskKind.EVALUATION);
    this.descriptor = new AlgorithmDescriptor(m.id(), m.version(), model.digest(), kinds,
        m.modality(), m.segments(), "Provider model " + m.id() + " " + m.version() + " on ONNX Runtime: 2-D " + m.input().plane()
            + " slices at " + m.input().pixelSpacingMm() + " mm, labels by argmax."
            + (m.fineTunable() ? " Fine-tuning re-fits its final 1x1 layer only; model=<id> selects a fine-tuned head." : ""));
    this.modelInfo = new ModelInfo(m.id() + ":" + m.version(), model.digest(), m.id());
  }

  @Override
  public AlgorithmDescriptor descriptor() {
    return descriptor;
  }

  @Override
  public Set<String> parameterNames() {
    return model.manifest().fineTunable() ? FINE_TUNING_PARAMETERS : Set.of();
  }

  @Override
  public TrainedModel train(List<TrainingCase> cases, Parameters parameters, ProgressListener progress) throws AlgorithmException {
    if (!model.manifest().fineTunable()) return Algorithm.super.train(cases, parameters, progress);
    return OnnxFineTuning.fineTune(model, cases, parameters, progress);
  }

  @Override
  public Segmenter segmenter(Parameters parameters) throws AlgorithmException {
    LinearHead head = null;
    ModelInfo used = modelInfo;
    if (parameters.has("model")) {
      ModelStore.StoredModel stored = models.get(parameters.requireString("model"));
      if (!descriptor.id().equals(stored.info().trainedBy())) {
        throw new AlgorithmException(Reason.UNKNOWN_MODEL, "parameters.model", stored.info().id() + " was not fine-tuned from " + descriptor.id());
      }
      try {
        head = OnnxFineTuning.fromBytes(stored.bytes(), model.digest());
      } catch (java.io.IOException e) {
        throw new AlgorithmException(Reason.UNKNOWN_MODEL, "parameters.model", stored.info().id() + " is not usable with this model: " + e.getMessage(), e);
      }
      used = stored.info();
    }
    LinearHead chosen = head;
    ModelInfo info = used;
    return new Segmenter() {
      @Override
      public Segmentation segment(org.secaimed.dicom.volume.ImageVolume image,
          ProgressListener progress) throws AlgorithmException {
        long started = System.nanoTime();
        LabelVolume labels;
        try {
          labels = model.segment(image, chosen, (done, total) -> {
            progress.progress("segment slices", (double) done / total);
            return !cancelled();
          });
        } catch (OnnxModelException e) {
          throw translated(e);
        }
        return new Segmentation(labels, descriptor.outputSegments(), metrics(labels, started));
      }

      @Override
      public ModelInfo model() {
        return info;
      }
    };
  }

  private static boolean cancelled() {
    try {
      Cancellation.check();
      return false;
    } catch (AlgorithmException e) {
      return true;
    }
  }

  private AlgorithmException translated(OnnxModelException e) {
    Reason reason = switch (e.reason()) {
      case INTERRUPTED -> Reason.CANCELLED;
      case BAD_INPUT -> Reason.BAD_INPUT;
      default -> Reason.OUTPUT_FAILED;
    };
    return new AlgorithmException(reason, "model " + descriptor.id(), e.getMessage(), e);
  }

  private List<Metric> metrics(LabelVolume labels, long started) {
    ImageGeometry g = labels.geometry();
    double voxelMl = g.spacing()[0] * g.spacing()[1] * g.spacing()[2] / 1000.0;
    long[] counts = new long[256];
    for (byte b : labels.labels()) counts[b & 0xFF]++;
    List<Metric> out = new java.util.ArrayList<>();
    for (var s : descriptor.outputSegments()) out.add(Metric.segment("volume", s.number(), counts[s.number()] * voxelMl, "ml"));
    out.add(Metric.task("seconds", (System.nanoTime() - started) / 1e9, "s"));
    return out;
  }
}
