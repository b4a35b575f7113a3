package org.secaimed.enclave.server.algorithms.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.secaimed.dicom.exchange.Metric;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.enclave.server.algorithms.AlgorithmException;
import org.secaimed.enclave.server.algorithms.AlgorithmException.Reason;
import org.secaimed.enclave.server.algorithms.Cancellation;
import org.secaimed.enclave.server.algorithms.Parameters;
import org.secaimed.enclave.server.algorithms.ProgressListener;
import org.secaimed.enclave.server.algorithms.TrainedModel;
import org.secaimed.enclave.server.algorithms.TrainingCase;
import org.secaimed.enclave.server.algorithms.classifier.SoftmaxRegression;
import org.secaimed.onnx.LinearHead;
import org.secaimed.onnx.OnnxModelException;
import org.secaimed.onnx.OnnxSegmentationModel;

/**
 * Fine-tuning a provider's model on a site's data inside the enclave. <b>What is trained:</b> only
 * the model's final 1x1 layer. The provider's network runs unchanged up to that layer (its
 * {@code output.features}); a new linear head (softmax regression, one weight per feature channel
 * and class plus a bias) is fitted on the features of voxels sampled from the site's images,
 * against the site's reference SEG resampled to the model's grid. Every other weight stays the
 * provider's. The head is kept in the enclave's model store, names its base model's digest, and
 * never leaves: the task returns only its id, digest and training metrics.
 */
final class OnnxFineTuning {
  static final String FORMAT = "secaimed-onnx-head-v1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private OnnxFineTuning() {}

  static TrainedModel fineTune(OnnxSegmentationModel model, List<TrainingCase> cases, Parameters p, ProgressListener progress)
      throws AlgorithmException {
    int iterations = p.integer("iterations", 300, 10, 5000);
    int samples = p.integer("samples", 40_000, 1_000, 2_000_000);
    double learningRate = p.decimal("learningRate", 0.05, 1e-5, 1.0);
    long seed = p.integer("seed", 1, 0, Integer.MAX_VALUE);
    if (cases.isEmpty()) throw new AlgorithmException(Reason.BAD_INPUT, "inputs", "fine-tuning needs at least one image + reference SEG");
    List<SegmentDescription> segments = model.manifest().segments();
    long totalSlices = cases.stream().mapToLong(c -> c.image().geometry().slices()).sum();
    int perSlice = (int) Math.max(1, samples / totalSlices);
    double[][] x = new double[samples][];
    int[] y = new int[samples];
    int[] n = {0};
    SplittableRandom random = new SplittableRandom(seed);
    for (int ci = 0; ci < cases.size(); ci++) {
      TrainingCase c = cases.get(ci);
      int[] classOfLabel = classes(c, segments);
      int frame = c.image().geometry().frameSize();
      try {
        model.features(c.image(), (k, features, channels, grid) -> {
          int plane = grid.modelColumns() * grid.modelRows();
          byte[] labels = new byte[plane];
          grid.labelsToModelGrid(c.reference().labels(), k * frame, labels);
          for (int s = 0; s < perSlice && n[0] < samples; s++) {
            int i = random.nextInt(plane);
            double[] row = new double[channels];
            for (int f = 0; f < channels; f++) row[f] = features[f * plane + i];
            x[n[0]] = row;
            y[n[0]++] = classOfLabel[labels[i] & 0xFF];
          }
        });
      } catch (OnnxModelException e) {
        throw new AlgorithmException(e.reason() == OnnxModelException.Reason.INTERRUPTED ? Reason.CANCELLED : Reason.BAD_INPUT,
            "inputs[" + ci + "]", e.getMessage(), e);
      }
      Cancellation.check();
      progress.progress("features", (ci + 1.0) / cases.size() * 0.5);
    }
    double[][] xs = java.util.Arrays.copyOf(x, n[0]);
    int[] ys = java.util.Arrays.copyOf(y, n[0]);
    LinearHead head = fit(xs, ys, segments.size() + 1, iterations, learningRate);
    progress.progress("fitted", 1.0);
    return new TrainedModel(toBytes(model.digest(), head), List.of(Metric.task("samples", n[0], "voxels"),
        Metric.task("trainingAccuracy", accuracy(head, xs, ys), "1"), Metric.task("trainedParameters", head.weights().length, "1")));
  }

  /** Reference label -> output class, matching the site's segments to the model's by their type code. */
  private static int[] classes(TrainingCase c, List<SegmentDescription> modelSegments) throws AlgorithmException {
    Map<String, Integer> byType = new HashMap<>();
    for (SegmentDescription s : modelSegments) byType.put(s.type().scheme() + ":" + s.type().value(), s.number());
    int[] out = new int[256];
    for (SegmentDescription d : c.segments()) {
      Integer cls = byType.get(d.type().scheme() + ":" + d.type().value());
      if (cls == null) {
        throw new AlgorithmException(Reason.BAD_INPUT, c.name(), "reference segment '" + d.label() + "' (" + d.type().meaning()
            + ") is not one the model outputs; it can only be fine-tuned on its own segments");
      }
      out[d.number()] = cls;
    }
    return out;
  }

  /** Standardises the features, fits softmax regression, and folds the standardisation back into the weights. */
  private static LinearHead fit(double[][] x, int[] y, int classes, int iterations, double learningRate) {
    int f = x[0].length;
    double[] mean = new double[f], sd = new double[f];
    for (double[] r : x) for (int k = 0; k < f; k++) mean[k] += r[k] / x.length;
    for (double[] r : x) for (int k = 0; k < f; k++) sd[k] += (r[k] - mean[k]) * (r[k] - mean[k]) / x.length;
    for (int k = 0; k < f; k++) sd[k] = Math.max(1e-6, Math.sqrt(sd[k]));
    double[][] z = new double[x.length][f];
    for (int s = 0; s < x.length; s++) for (int k = 0; k < f; k++) z[s][k] = (x[s][k] - mean[k]) / sd[k];
    SoftmaxRegression.Fit fit = SoftmaxRegression.train(z, y, classes, iterations, learningRate, 1e-4);
    float[] w = new float[classes * (f + 1)];
    for (int c = 0; c < classes; c++) {
      double bias = fit.weights()[c][f];
      for (int k = 0; k < f; k++) {
        w[c * (f + 1) + k] = (float) (fit.weights()[c][k] / sd[k]);
        bias -= fit.weights()[c][k] * mean[k] / sd[k];
      }
      w[c * (f + 1) + f] = (float) bias;
    }
    return new LinearHead(f, classes, w);
  }

  private static double accuracy(LinearHead head, double[][] x, int[] y) {
    float[] w = head.weights();
    int f = head.channels(), correct = 0;
    for (int s = 0; s < x.length; s++) {
      int best = 0;
      double bestZ = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < head.classes(); c++) {
        double z = w[c * (f + 1) + f];
        for (int k = 0; k < f; k++) z += w[c * (f + 1) + k] * x[s][k];
        if (z > bestZ) {
          bestZ = z;
          best = c;
        }
      }
      if (best == y[s]) correct++;
    }
    return (double) correct / x.length;
  }

  static byte[] toBytes(String baseModelDigest, LinearHead head) {
    ObjectNode n = JSON.createObjectNode();
    n.put("format", FORMAT);
    n.put("baseModel", baseModelDigest);
    n.put("channels", head.channels());
    n.put("classes", head.classes());
    ArrayNode a = n.putArray("weights");
    for (float v : head.weights()) a.add(v);
    return n.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The head stored for {@code baseModelDigest}; refuses a head fitted on another model's features. */
  static LinearHead fromBytes(byte[] bytes, String baseModelDigest) throws IOException {
    JsonNode n = JSON.readTree(bytes);
    if (!FORMAT.equals(n.path("format").asText())) throw new IOException("not a fine-tuned head (" + FORMAT + ")");
    if (!baseModelDigest.equals(n.path("baseModel").asText())) throw new IOException("it was fine-tuned from model " + n.path("baseModel").asText());
    JsonNode a = n.path("weights");
    float[] w = new float[a.size()];
    for (int i = 0; i < w.length; i++) w[i] = (float) a.get(i).asDouble();
    try {
      return new LinearHead(n.path("channels").asInt(), n.path("classes").asInt(), w);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
