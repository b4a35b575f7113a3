package org.secaimed.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.Map;
import org.secaimed.connector.io.Digests;
import org.secaimed.dicom.exchange.ModelManifest;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.ImageVolume;
import org.secaimed.dicom.volume.LabelVolume;

/**
 * A provider's 2-D segmentation model, loaded into ONNX Runtime from bytes that exist only inside
 * the enclave. Each axial slice is resampled to the model's pixel spacing ({@link SliceResampler}),
 * run as a [1, 1, H, W] float tensor named by the manifest, and labelled by the argmax of the
 * class scores interpolated back to the slice's own pixels.
 *
 * <p>Loading checks the model against its manifest (input and output names, float tensors of rank
 * 4, one channel in, background + one class per segment out), so a bundle whose metadata lies about
 * its model fails before any study is opened. Not thread-safe per instance only in the sense that
 * {@link #close()} must not race {@link #segment}; ONNX Runtime sessions themselves allow concurrent runs.
 */
public final class OnnxSegmentationModel implements AutoCloseable {
  /** Told after each slice; returning false stops the run (INTERRUPTED), e.g. when the task was cancelled. */
  @FunctionalInterface
  public interface SliceProgress {
    boolean continueAfter(int done, int total);
  }

  private final ModelManifest manifest;
  private final String digest;
  private final OrtEnvironment env;
  private final OrtSession session;

  private OnnxSegmentationModel(ModelManifest manifest, String digest, OrtEnvironment env, OrtSession session) {
    this.manifest = manifest;
    this.digest = digest;
    this.env = env;
    this.session = session;
  }

  /**
   * Loads {@code model} (ONNX bytes) described by {@code manifest}. {@code threads} bounds ONNX
   * Runtime's intra-op threads (the enclave shares its cores between tasks).
   */
  public static OnnxSegmentationModel load(byte[] model, ModelManifest manifest, int threads) throws OnnxModelException {
    if (threads < 1) throw new IllegalArgumentException("threads must be at least 1");
    String digest = Digests.of(model);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession session;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      session = env.createSession(model, options);
    } catch (OrtException e) {
      throw new OnnxModelException(OnnxModelException.Reason.BAD_MODEL,
          "model " + manifest.id() + " " + manifest.version() + " (" + digest + ") is not a loadable ONNX model: " + e.getMessage(), e);
    }
    try {
      checkTensor(session.getInputInfo(), manifest.input().name(), 1, "input", manifest);
      checkTensor(session.getOutputInfo(), manifest.outputName(), manifest.classes(), "output", manifest);
      if (manifest.fineTunable()) checkTensor(session.getOutputInfo(), manifest.featuresName(), -1, "output.features", manifest);
    } catch (OnnxModelException | OrtException e) {
      closeQuietly(session);
      if (e instanceof OnnxModelException m) throw m;
      throw new OnnxModelException(OnnxModelException.Reason.BAD_MODEL, "cannot read the model's signature: " + e.getMessage(), e);
    }
    return new OnnxSegmentationModel(manifest, digest, env, session);
  }

  /** A [N, channels, H, W] float tensor named {@code name}; N, H, W may be dynamic (-1) or anything. */
  private static void checkTensor(Map<String, NodeInfo> nodes, String name, int channels, String side, ModelManifest m) throws OnnxModelException {
    NodeInfo node = nodes.get(name);
    if (node == null) {
      throw new OnnxModelException(OnnxModelException.Reason.MODEL_MISMATCH,
          "manifest " + side + ".name '" + name + "' is not a model " + side + " (the model has " + nodes.keySet() + ")");
    }
    if (!(node.getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT) {
      throw new OnnxModelException(OnnxModelException.Reason.MODEL_MISMATCH, side + " '" + name + "' must be a float tensor");
    }
    long[] shape = t.getShape();
    if (shape.length != 4 || (channels > 0 && shape[1] != channels && shape[1] >= 0)) {
      throw new OnnxModelException(OnnxModelException.Reason.MODEL_MISMATCH, side + " '" + name + "' must be [N, " + channels
          + ", H, W] for " + m.segments().size() + " segment(s) plus background; the model declares " + java.util.Arrays.toString(shape));
    }
  }

  public ModelManifest manifest() {
    return manifest;
  }

  /** SHA-256 of the model bytes ({@code sha256:<hex>}): what catalogues, licences and receipts name. */
  public String digest() {
    return digest;
  }

  /**
   * Labels for every voxel of {@code image}, on its own geometry. Stops between slices when the
   * thread is interrupted or {@code progress} says so.
   */
  public LabelVolume segment(ImageVolume image, SliceProgress progress) throws OnnxModelException {
    return segment(image, null, progress);
  }

  /**
   * As {@link #segment(ImageVolume, SliceProgress)}, with the model's final layer replaced by
   * {@code head} (fine-tuned in the enclave) when it is not null.
   */
  public LabelVolume segment(ImageVolume image, LinearHead head, SliceProgress progress) throws OnnxModelException {
    if (head != null) requireFineTunable();
    ImageGeometry g = image.geometry();
    double[] spacing = g.spacing();
    SliceResampler grid = new SliceResampler(g.columns(), g.rows(), spacing[0], spacing[1], manifest.input().pixelSpacingMm());
    int mx = grid.modelColumns(), my = grid.modelRows();
    if ((long) mx * my > 4096L * 4096L) {
      throw new OnnxModelException(OnnxModelException.Reason.BAD_INPUT, "a slice of " + g.columns() + "x" + g.rows()
          + " at " + spacing[0] + " mm would be " + mx + "x" + my + " pixels on the model's grid (limit 4096x4096)");
    }
    float[] slice = new float[mx * my];
    byte[] labels = new byte[Math.toIntExact(g.voxelCount())];
    long[] shape = {1, 1, my, mx};
    int frame = g.frameSize();
    for (int k = 0; k < g.slices(); k++) {
      if (Thread.currentThread().isInterrupted()) {
        throw new OnnxModelException(OnnxModelException.Reason.INTERRUPTED, "stopped before slice " + k + " of " + g.slices());
      }
      grid.toModelGrid(image.voxels(), k * frame, slice);
      float[] scores = head == null ? run(slice, shape, k, manifest.outputName(), manifest.classes())
          : head.scores(run(slice, shape, k, manifest.featuresName(), -1), mx * my);
      grid.labelsFromScores(scores, head == null ? manifest.classes() : head.classes(), labels, k * frame);
      if (!progress.continueAfter(k + 1, g.slices()) && k + 1 < g.slices()) {
        throw new OnnxModelException(OnnxModelException.Reason.INTERRUPTED, "stopped after slice " + k + " of " + g.slices());
      }
    }
    return new LabelVolume(g, labels);
  }

  /** Feature maps of one slice on the model grid, for fine-tuning: what {@link SliceFeatures} receives. */
  public interface SliceFeatures {
    void accept(int slice, float[] features, int channels, SliceResampler grid) throws OnnxModelException;
  }

  /** Runs the model up to its final layer on every slice of {@code image}; stops between slices when interrupted. */
  public void features(ImageVolume image, SliceFeatures consumer) throws OnnxModelException {
    requireFineTunable();
    ImageGeometry g = image.geometry();
    double[] spacing = g.spacing();
    SliceResampler grid = new SliceResampler(g.columns(), g.rows(), spacing[0], spacing[1], manifest.input().pixelSpacingMm());
    int plane = grid.modelColumns() * grid.modelRows();
    float[] slice = new float[plane];
    long[] shape = {1, 1, grid.modelRows(), grid.modelColumns()};
    for (int k = 0; k < g.slices(); k++) {
      if (Thread.currentThread().isInterrupted()) {
        throw new OnnxModelException(OnnxModelException.Reason.INTERRUPTED, "stopped before slice " + k + " of " + g.slices());
      }
      grid.toModelGrid(image.voxels(), k * g.frameSize(), slice);
      float[] f = run(slice, shape, k, manifest.featuresName(), -1);
      consumer.accept(k, f, f.length / plane, grid);
    }
  }

  private void requireFineTunable() throws OnnxModelException {
    if (!manifest.fineTunable()) {
      throw new OnnxModelException(OnnxModelException.Reason.MODEL_MISMATCH, "model " + manifest.id() + " exposes no features output, so it cannot be fine-tuned");
    }
  }

  /** Runs one slice and returns output {@code name}; {@code channels} &lt; 0 accepts any channel count. */
  private float[] run(float[] slice, long[] shape, int k, String name, int channels) throws OnnxModelException {
    try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(slice), shape);
         OrtSession.Result result = session.run(Map.of(manifest.input().name(), input), java.util.Set.of(name))) {
      OnnxTensor out = (OnnxTensor) result.get(name).orElseThrow();
      long[] s = out.getInfo().getShape();
      if (s.length != 4 || s[0] != 1 || (channels > 0 && s[1] != channels) || s[2] != shape[2] || s[3] != shape[3]) {
        throw new OnnxModelException(OnnxModelException.Reason.MODEL_MISMATCH, "slice " + k + ": output '" + name + "' shape "
            + java.util.Arrays.toString(s) + " is not [1, " + (channels > 0 ? channels : "C") + ", " + shape[2] + ", " + shape[3] + "]");
      }
      FloatBuffer b = out.getFloatBuffer();
      float[] scores = new float[b.remaining()];
      b.get(scores);
      return scores;
    } catch (OrtException e) {
      throw new OnnxModelException(OnnxModelException.Reason.INFERENCE_FAILED, "slice " + k + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    closeQuietly(session);
  }

  private static void closeQuietly(OrtSession s) {
    try {
      s.close();
    } catch (OrtException e) {
      // Closing releases native memory; a failure leaves nothing the caller could act on.
    }
  }
}
