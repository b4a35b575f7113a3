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
import org.secaimed.onnx.OnnxModelException;
import org.secaimed.onnx.OnnxSegmentationModel;

/**
 * A provider's ONNX segmentation model as a catalogue algorithm: id and version from its manifest,
 * digest = SHA-256 of the model bytes (so the catalogue, the task and the receipt name exactly the
 * weights that ran), segmentation and evaluation of the manifest's modality. It takes no parameters.
 * The result names the model ({@link ModelInfo}) as well, as trained models do.
 */
public final class OnnxAlgorithm implements Algorithm {
  private final OnnxSegmentationModel model;
  private final AlgorithmDescriptor descriptor;
  private final ModelInfo modelInfo;

  public OnnxAlgorithm(OnnxSegmentationModel model) {
    this.model = model;
    ModelManifest m = model.manifest();
    this.descriptor = new AlgorithmDescriptor(m.id(), m.version(), model.digest(), Set.of(TaskKind.SEGMENTATION, TaskKind.EVALUATION),
        m.modality(), m.segments(), "Provider model " + m.id() + " " + m.version() + " on ONNX Runtime: 2-D " + m.input().plane()
            + " slices at " + m.input().pixelSpacingMm() + " mm, labels by argmax.");
    this.modelInfo = new ModelInfo(m.id() + ":" + m.version(), model.digest(), m.id());
  }

  @Override
  public AlgorithmDescriptor descriptor() {
    return descriptor;
  }

  @Override
  public Set<String> parameterNames() {
    return Set.of();
  }

  @Override
  public Segmenter segmenter(Parameters parameters) {
    return new Segmenter() {
      @Override
      public Segmentation segment(org.secaimed.dicom.volume.ImageVolume image,
          org.secaimed.enclave.server.algorithms.ProgressListener progress) throws AlgorithmException {
        long started = System.nanoTime();
        LabelVolume labels;
        try {
          labels = model.segment(image, (done, total) -> {
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
        return modelInfo;
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
