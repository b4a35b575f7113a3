package org.secaimed.enclave.server.algorithms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.secaimed.enclave.server.algorithms.AlgorithmException.Reason;
import org.secaimed.enclave.server.algorithms.input.LoadedSeries;
import org.secaimed.enclave.server.algorithms.input.ReferenceLabels;
import org.secaimed.enclave.server.algorithms.input.ReferenceSegmentations;
import org.secaimed.enclave.server.algorithms.input.StudyContent;
import org.secaimed.enclave.server.algorithms.input.StudyInputs;
import org.secaimed.enclave.server.algorithms.metrics.SegmentationScores;
import org.secaimed.enclave.server.algorithms.models.ModelStore;
import org.secaimed.dicom.exchange.InstanceRecord;
import org.secaimed.dicom.exchange.Metric;
import org.secaimed.dicom.exchange.ModelInfo;
import org.secaimed.dicom.exchange.ResultPayload;
import org.secaimed.dicom.exchange.ResultPayloads;
import org.secaimed.connector.io.Digests;

/**
 * The enclave's task executor: resolves the algorithm, reads and verifies every input archive,
 * runs segmentation, training or evaluation, and writes exactly one result payload.
 *
 * <p>Inputs: segmentation takes one study archive holding the image series; training and
 * evaluation take one archive per case, each holding the image series and its reference SEG.
 * Parameter {@code series} picks the image series when an archive holds several.
 */
public final class DefaultAlgorithmRunner implements AlgorithmRunner {
  static final String SERIES_PARAMETER = "series";

  private final AlgorithmCatalogue catalogue;
  private final ModelStore models;

  public DefaultAlgorithmRunner(AlgorithmCatalogue catalogue, ModelStore models) {
    this.catalogue = catalogue;
    this.models = models;
  }

  @Override
  public AlgorithmCatalogue catalogue() {
    return catalogue;
  }

  @Override
  public TaskOutcome run(TaskRequest request, List<InputStream> plaintextInputs, OutputStream resultSink, ProgressListener progress)
      throws AlgorithmException {
    ProgressListener p = monotonic(progress == null ? ProgressListener.NONE : progress);
    Algorithm algorithm = catalogue.resolve(request);
    Parameters parameters = new Parameters(request.parameters());
    Set<String> accepted = new HashSet<>(algorithm.parameterNames());
    accepted.add(SERIES_PARAMETER);
    parameters.requireOnly(accepted);
    if (plaintextInputs.isEmpty()) throw new AlgorithmException(Reason.BAD_INPUT, "inputs", "at least one input is required");
    if (request.kind() == TaskKind.SEGMENTATION && plaintextInputs.size() != 1) {
      throw new AlgorithmException(Reason.BAD_INPUT, "inputs", "segmentation takes exactly one study archive, got " + plaintextInputs.size());
    }
    // Prepare (e.g. load the model) before reading inputs, so a bad model id fails fast.
    Segmenter segmenter = request.kind() == TaskKind.TRAINING ? null : algorithm.segmenter(parameters);

    List<StudyContent> studies = new ArrayList<>();
    for (int i = 0; i < plaintextInputs.size(); i++) {
      p.progress("read input " + (i + 1) + "/" + plaintextInputs.size(), 0.3 * i / plaintextInputs.size());
      studies.add(StudyInputs.read("input[" + i + "]", plaintextInputs.get(i)));
    }
    List<List<InstanceRecord>> seen = studies.stream().map(StudyContent::records).toList();
    p.progress("inputs verified", 0.3);

    ResultPayload result;
    ModelInfo model;
    switch (request.kind()) {
      case SEGMENTATION -> {
        LoadedSeries series = loadImage(studies.get(0), parameters);
        checkModality(algorithm, series, studies.get(0).inputName());
        Segmentation s = segmenter.segment(series.volume(), scaled(p, 0.3, 0.9));
        model = segmenter.model();
        result = new ResultPayload.Segmentation(algorithm.descriptor().ref(), s.labels(), s.segments(), series.source(), model, s.metrics());
      }
      case TRAINING -> {
        List<TrainingCase> cases = new ArrayList<>();
        for (StudyContent study : studies) {
          LoadedSeries series = loadImage(study, parameters);
          checkModality(algorithm, series, study.inputName());
          ReferenceLabels ref = ReferenceSegmentations.read(study, series);
          cases.add(new TrainingCase(study.inputName(), series.volume(), ref.labels(), ref.segments()));
        }
        p.progress("train", 0.4);
        TrainedModel trained = algorithm.train(cases, parameters, scaled(p, 0.4, 0.9));
        try {
          model = models.put(algorithm.descriptor().id(), trained.bytes());
        } catch (IOException e) {
          throw new AlgorithmException(Reason.OUTPUT_FAILED, "model store", "cannot store model: " + e.getMessage(), e);
        }
        result = new ResultPayload.Training(algorithm.descriptor().ref(), model, trained.metrics());
      }
      case EVALUATION -> {
        List<List<Metric>> perCase = new ArrayList<>();
        for (int i = 0; i < studies.size(); i++) {
          StudyContent study = studies.get(i);
          LoadedSeries series = loadImage(study, parameters);
          checkModality(algorithm, series, study.inputName());
          ReferenceLabels ref = ReferenceSegmentations.read(study, series);
          double base = 0.3 + 0.6 * i / studies.size();
          Segmentation s = segmenter.segment(series.volume(), scaled(p, base, base + 0.6 / studies.size()));
          perCase.add(SegmentationScores.score(s, ref, study.inputName()));
        }
        model = segmenter.model();
        result = new ResultPayload.Evaluation(algorithm.descriptor().ref(), model, SegmentationScores.aggregate(perCase));
      }
      default -> throw new AlgorithmException(Reason.UNSUPPORTED_TASK_KIND, "kind", request.kind().wireName());
    }
    Cancellation.check();
    p.progress("write result", 0.9);
    MessageDigest digest = Digests.sha256();
    CountingOutputStream counting = new CountingOutputStream(new DigestOutputStream(resultSink, digest));
    try {
      ResultPayloads.write(result, counting);
    } catch (IOException e) {
      throw new AlgorithmException(Reason.OUTPUT_FAILED, "result", "cannot write result: " + e.getMessage(), e);
    }
    p.progress("done", 1.0);
    return new TaskOutcome(request.kind(), algorithm.descriptor().ref(), seen, result.metrics(), model,
        Digests.hex(digest), counting.count());
  }

  private static LoadedSeries loadImage(StudyContent study, Parameters parameters) throws AlgorithmException {
    Set<String> series = study.imageSeriesUids();
    String wanted = parameters.string(SERIES_PARAMETER, null);
    if (wanted != null) return study.load(wanted);
    if (series.isEmpty()) throw new AlgorithmException(Reason.BAD_INPUT, study.inputName(), "no image series in the study archive");
    if (series.size() > 1) throw new AlgorithmException(Reason.BAD_INPUT, study.inputName(), series.size() + " image series; choose one with parameters.series");
    return study.load(series.iterator().next());
  }

  private static void checkModality(Algorithm algorithm, LoadedSeries series, String input) throws AlgorithmException {
    String wanted = algorithm.descriptor().inputModality();
    if (wanted != null && !wanted.isEmpty() && !wanted.equals(series.modality())) {
      throw new AlgorithmException(Reason.BAD_INPUT, input, algorithm.descriptor().id() + " reads " + wanted + ", series " + series.source().seriesInstanceUid() + " is " + series.modality());
    }
  }

  /** Progress never goes backwards, whatever rounding the sub-steps produce. */
  private static ProgressListener monotonic(ProgressListener p) {
    double[] last = {0};
    return (step, f) -> {
      last[0] = Math.max(last[0], Math.min(1.0, f));
      p.progress(step, last[0]);
    };
  }

  private static ProgressListener scaled(ProgressListener p, double from, double to) {
    return (step, f) -> p.progress(step, from + (to - from) * Math.max(0, Math.min(1, f)));
  }

  private static final class CountingOutputStream extends java.io.FilterOutputStream {
    private long count;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    long count() {
      return count;
    }
  }
}
