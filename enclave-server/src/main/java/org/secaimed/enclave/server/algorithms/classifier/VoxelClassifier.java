package org.secaimed.enclave.server.algorithms.classifier;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.secaimed.enclave.server.algorithms.Algorithm;
import org.secaimed.enclave.server.algorithms.AlgorithmDescriptor;
import org.secaimed.enclave.server.algorithms.AlgorithmException;
import org.secaimed.enclave.server.algorithms.AlgorithmException.Reason;
import org.secaimed.enclave.server.algorithms.Cancellation;
import org.secaimed.enclave.server.algorithms.CodeDigest;
import org.secaimed.enclave.server.algorithms.Parameters;
import org.secaimed.enclave.server.algorithms.ProgressListener;
import org.secaimed.enclave.server.algorithms.Segmentation;
import org.secaimed.enclave.server.algorithms.Segmenter;
import org.secaimed.enclave.server.algorithms.TaskKind;
import org.secaimed.enclave.server.algorithms.TrainedModel;
import org.secaimed.enclave.server.algorithms.TrainingCase;
import org.secaimed.enclave.server.algorithms.metrics.OverlapMetrics;
import org.secaimed.enclave.server.algorithms.models.ModelStore;
import org.secaimed.dicom.exchange.Metric;
import org.secaimed.dicom.exchange.ModelInfo;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.ImageVolume;
import org.secaimed.dicom.volume.LabelVolume;

/**
 * A small learned segmenter: softmax regression over per-voxel intensity and neighbourhood features
 * ({@link VoxelFeatures}). Training learns from image + reference SEG pairs and stores the model in
 * the enclave's {@link ModelStore}; segmentation and evaluation name it with the {@code model}
 * parameter. Segments are matched across training cases by their SegmentedPropertyType code.
 */
public final class VoxelClassifier implements Algorithm {
  public static final String ID = "voxel-classifier";
  public static final String VERSION = "1.0.0";

  private static final java.util.Set<String> PARAMETERS = java.util.Set.of("model", "iterations", "samples", "learningRate", "seed");

  private final ModelStore models;
  private final AlgorithmDescriptor descriptor = new AlgorithmDescriptor(ID, VERSION,
      CodeDigest.of(ID, VERSION, VoxelClassifier.class, VoxelFeatures.class, SoftmaxRegression.class, ClassifierModel.class),
      java.util.Set.of(TaskKind.TRAINING, TaskKind.SEGMENTATION, TaskKind.EVALUATION), "CT", List.of(),
      "Softmax regression on intensity and neighbourhood features, trained inside the enclave on image + reference SEG pairs. "
          + "Segmentation and evaluation take parameter model=<id from a training result>; segments are those it was trained on.");

  public VoxelClassifier(ModelStore models) {
    this.models = models;
  }

  @Override
  public AlgorithmDescriptor descriptor() {
    return descriptor;
  }

  @Override
  public java.util.Set<String> parameterNames() {
    return PARAMETERS;
  }

  @Override
  public Segmenter segmenter(Parameters parameters) throws AlgorithmException {
    ModelStore.StoredModel stored = models.get(parameters.requireString("model"));
    if (!ID.equals(stored.info().trainedBy())) {
      throw new AlgorithmException(Reason.UNKNOWN_MODEL, "parameters.model", stored.info().id() + " was trained by " + stored.info().trainedBy() + ", not " + ID);
    }
    ClassifierModel model;
    try {
      model = ClassifierModel.fromBytes(stored.bytes());
    } catch (IOException e) {
      throw new AlgorithmException(Reason.UNKNOWN_MODEL, "parameters.model", stored.info().id() + " is not a usable model: " + e.getMessage(), e);
    }
    ModelInfo info = stored.info();
    return new Segmenter() {
      @Override
      public Segmentation segment(ImageVolume image, ProgressListener progress) throws AlgorithmException {
        long t0 = System.nanoTime();
        LabelVolume labels = predict(model, image);
        progress.progress("classified", 1.0);
        return new Segmentation(labels, model.segments(), List.of(Metric.task("seconds", (System.nanoTime() - t0) / 1e9, "s")));
      }

      @Override
      public ModelInfo model() {
        return info;
      }
    };
  }

  @Override
  public TrainedModel train(List<TrainingCase> cases, Parameters p, ProgressListener progress) throws AlgorithmException {
    int iterations = p.integer("iterations", 400, 10, 5000);
    int samples = p.integer("samples", 40_000, 1_000, 2_000_000);
    double learningRate = p.decimal("learningRate", 0.1, 1e-5, 1.0);
    long seed = p.integer("seed", 1, 0, Integer.MAX_VALUE);
    if (cases.isEmpty()) throw new AlgorithmException(Reason.BAD_INPUT, "inputs", "training needs at least one image + reference SEG");

    // Classes: the segments of all cases, matched by type code; numbering from the first case that has them.
    Map<String, SegmentDescription> byType = new LinkedHashMap<>();
    for (TrainingCase c : cases) {
      for (SegmentDescription d : c.segments()) byType.putIfAbsent(key(d), d);
    }
    List<SegmentDescription> segments = new ArrayList<>();
    java.util.Set<Integer> used = new java.util.HashSet<>();
    for (SegmentDescription d : byType.values()) {
      int number = d.number();
      while (!used.add(number)) number++;
      if (number > 255) throw new AlgorithmException(Reason.BAD_INPUT, "inputs", "more than 255 segment types");
      segments.add(new SegmentDescription(number, d.label(), d.category(), d.type(), d.anatomicRegion(),
          SegmentDescription.AlgorithmType.AUTOMATIC, ID + " " + VERSION, d.recommendedDisplayRgb()));
    }
    Map<String, Integer> classOfType = new LinkedHashMap<>();
    for (int i = 0; i < segments.size(); i++) classOfType.put(key(segments.get(i)), i + 1);

    // Sample voxels uniformly over all cases (keeps class priors), features per sampled slice.
    SplittableRandom random = new SplittableRandom(seed);
    long total = cases.stream().mapToLong(c -> c.image().geometry().voxelCount()).sum();
    double[][] x = new double[samples][];
    int[] y = new int[samples];
    int n = 0;
    for (TrainingCase c : cases) {
      int[] classOfLabel = new int[256];
      for (SegmentDescription d : c.segments()) classOfLabel[d.number()] = classOfType.get(key(d));
      ImageGeometry g = c.image().geometry();
      int want = (int) Math.round((double) samples * g.voxelCount() / total);
      int frame = g.frameSize();
      int perSlice = Math.max(1, want / g.slices());
      for (int k = 0; k < g.slices() && n < samples; k++) {
        Cancellation.check();
        float[] f = VoxelFeatures.slice(c.image(), k);
        for (int s = 0; s < perSlice && n < samples; s++) {
          int i = random.nextInt(frame);
          double[] row = new double[VoxelFeatures.COUNT];
          for (int q = 0; q < row.length; q++) row[q] = f[q * frame + i];
          x[n] = row;
          y[n] = classOfLabel[c.reference().labels()[k * frame + i] & 0xFF];
          n++;
        }
      }
      progress.progress("sampled " + c.name(), 0.3 * (cases.indexOf(c) + 1) / cases.size());
    }
    x = java.util.Arrays.copyOf(x, n);
    y = java.util.Arrays.copyOf(y, n);
    double[] mean = new double[VoxelFeatures.COUNT], std = new double[VoxelFeatures.COUNT];
    for (double[] row : x) for (int q = 0; q < row.length; q++) mean[q] += row[q] / n;
    for (double[] row : x) for (int q = 0; q < row.length; q++) std[q] += (row[q] - mean[q]) * (row[q] - mean[q]) / n;
    for (int q = 0; q < std.length; q++) std[q] = Math.max(1e-6, Math.sqrt(std[q]));
    for (double[] row : x) for (int q = 0; q < row.length; q++) row[q] = (row[q] - mean[q]) / std[q];

    Cancellation.check();
    SoftmaxRegression.Fit fit = SoftmaxRegression.train(x, y, segments.size() + 1, iterations, learningRate, 1e-4);
    progress.progress("fitted", 0.7);
    ClassifierModel model = new ClassifierModel(mean, std, fit.weights(), segments);

    List<Metric> metrics = new ArrayList<>();
    metrics.add(Metric.task("loss", fit.loss(), null));
    metrics.add(Metric.task("accuracy", fit.accuracy(), null));
    metrics.add(Metric.task("samples", n, null));
    metrics.add(Metric.task("cases", cases.size(), null));
    // Training-set Dice per segment: how well the model fits what it saw (evaluation tasks measure generalisation).
    for (TrainingCase c : cases) {
      Cancellation.check();
      byte[] predicted = predict(model, c.image()).labels();
      for (SegmentDescription d : c.segments()) {
        int label = model.labelOf(classOfType.get(key(d)));
        metrics.add(Metric.segment("train.dice", label, OverlapMetrics.dice(predicted, label, c.reference().labels(), d.number()), null));
      }
    }
    progress.progress("trained", 1.0);
    return new TrainedModel(model.toBytes(), metrics);
  }

  static LabelVolume predict(ClassifierModel model, ImageVolume image) {
    ImageGeometry g = image.geometry();
    int frame = g.frameSize();
    byte[] labels = new byte[Math.toIntExact(g.voxelCount())];
    double[][] w = model.weights();
    IntStream.range(0, g.slices()).parallel().forEach(k -> {
      float[] f = VoxelFeatures.slice(image, k);
      double[] row = new double[VoxelFeatures.COUNT];
      for (int i = 0; i < frame; i++) {
        for (int q = 0; q < row.length; q++) row[q] = (f[q * frame + i] - model.mean()[q]) / model.std()[q];
        labels[k * frame + i] = (byte) model.labelOf(SoftmaxRegression.argmax(w, row));
      }
    });
    return new LabelVolume(g, labels);
  }

  private static String key(SegmentDescription d) {
    return d.type().scheme() + ":" + d.type().value();
  }
}
