package org.secaimed.enclave.server.algorithms;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.connector.io.Digests;
import org.secaimed.dicom.exchange.ModelManifest;
import org.secaimed.dicom.exchange.ResultPayload;
import org.secaimed.dicom.exchange.ResultPayloads;
import org.secaimed.dicom.seg.SegmentationType;
import org.secaimed.enclave.server.algorithms.metrics.OverlapMetrics;
import org.secaimed.onnx.OnnxSegmentationModel;

/**
 * A provider's ONNX model in the enclave's catalogue, run by the same runner as the built-in
 * algorithms: a sealed study archive in, a segmentation payload out (which the site turns into a
 * SEG on the existing path), and evaluation against a reference SEG.
 */
class OnnxAlgorithmRunnerTest {
  static final Path MODEL_DIR = Path.of(System.getProperty("secaimed.repo.root", "..")).resolve("models/phantom-ct-cnn");
  static byte[] modelBytes;
  static OnnxSegmentationModel model;
  static AlgorithmRunner runner;
  static AlgorithmDescriptor descriptor;
  static PhantomSeries phantom;
  static byte[] withTruth;

  @TempDir static Path models;

  @BeforeAll
  static void setUp() throws Exception {
    modelBytes = Files.readAllBytes(MODEL_DIR.resolve("model.onnx"));
    model = OnnxSegmentationModel.load(modelBytes, ModelManifest.parse(Files.readAllBytes(MODEL_DIR.resolve("manifest.json"))), 1);
    runner = EnclaveAlgorithms.runner(models, List.of(), List.of(model));
    descriptor = runner.catalogue().find("phantom-ct-cnn").orElseThrow();
    phantom = PhantomArchives.phantom(192, 16, 4242);
    withTruth = PhantomArchives.archive(phantom, SegmentationType.BINARY);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void theCatalogueNamesTheModelByTheDigestOfItsBytes() {
    assertThat(descriptor.version()).isEqualTo("1.0.0");
    assertThat(descriptor.digest()).isEqualTo(Digests.of(modelBytes));
    assertThat(descriptor.taskKinds()).containsExactlyInAnyOrder(TaskKind.SEGMENTATION, TaskKind.EVALUATION, TaskKind.TRAINING);
    assertThat(descriptor.inputModality()).isEqualTo("CT");
    assertThat(descriptor.outputSegments()).extracting(s -> s.type().value()).containsExactly("38266002", "39607008", "272673000");
  }

  @Test
  void segmentsAStudyArchiveIntoAPayloadOnTheSourceSeries() throws Exception {
    var payload = (ResultPayload.Segmentation) run(TaskKind.SEGMENTATION, withTruth);
    byte[] truth = phantom.phantom().truth().labels();
    for (int label = 1; label <= 3; label++) {
      assertThat(OverlapMetrics.dice(payload.labels().labels(), label, truth, label)).as("label %d", label).isGreaterThanOrEqualTo(0.9);
    }
    assertThat(payload.algorithm()).isEqualTo(descriptor.ref());
    assertThat(payload.model().digest()).isEqualTo(Digests.of(modelBytes));
    assertThat(payload.source().seriesInstanceUid()).isEqualTo(phantom.seriesInstanceUid());
    assertThat(payload.segments()).hasSize(3);
  }

  @Test
  void evaluatesAgainstTheReferenceSeg() throws Exception {
    var payload = (ResultPayload.Evaluation) run(TaskKind.EVALUATION, withTruth);
    for (int s = 1; s <= 3; s++) {
      assertThat(DefaultAlgorithmRunnerTest.metric(payload.metrics(), "dice", s)).as("dice %d", s).isGreaterThanOrEqualTo(0.9);
    }
  }

  @Test
  void fineTuningRefitsTheLastLayerInsideTheEnclaveAndTheHeadSegmentsByItsId() throws Exception {
    var trained = (ResultPayload.Training) run(TaskKind.TRAINING, Map.of("samples", "20000", "iterations", "150"), withTruth);
    // the site learns the fine-tuned model's id and digest, never its weights
    assertThat(trained.model().trainedBy()).isEqualTo("phantom-ct-cnn");
    assertThat(DefaultAlgorithmRunnerTest.metric(trained.metrics(), "trainedParameters", 0)).isEqualTo(4 * 17);
    assertThat(DefaultAlgorithmRunnerTest.metric(trained.metrics(), "trainingAccuracy", 0)).isGreaterThan(0.95);

    PhantomSeries unseen = PhantomArchives.phantom(160, 12, 4343);
    var payload = (ResultPayload.Segmentation) run(TaskKind.SEGMENTATION, Map.of("model", trained.model().id()),
        PhantomArchives.archive(unseen, null));
    assertThat(payload.model()).isEqualTo(trained.model());
    byte[] truth = unseen.phantom().truth().labels();
    for (int label = 1; label <= 3; label++) {
      assertThat(OverlapMetrics.dice(payload.labels().labels(), label, truth, label)).as("label %d", label).isGreaterThanOrEqualTo(0.9);
    }
  }

  static ResultPayload run(TaskKind kind, byte[] input) throws Exception {
    return run(kind, Map.of(), input);
  }

  static ResultPayload run(TaskKind kind, Map<String, Object> parameters, byte[] input) throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    runner.run(new TaskRequest(kind, descriptor.id(), descriptor.version(), descriptor.digest(), parameters),
        List.of(new ByteArrayInputStream(input)), sink, ProgressListener.NONE);
    return ResultPayloads.read(new ByteArrayInputStream(sink.toByteArray()));
  }
}
