package org.secaimed.enclave.server.algorithms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.enclave.server.algorithms.AlgorithmException.Reason;
import org.secaimed.enclave.server.algorithms.classifier.VoxelClassifier;
import org.secaimed.enclave.server.algorithms.ct.CtBodyLungsBone;
import org.secaimed.enclave.server.algorithms.metrics.OverlapMetrics;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.dicom.exchange.Metric;
import org.secaimed.dicom.exchange.ResultPayload;
import org.secaimed.dicom.exchange.ResultPayloads;
import org.secaimed.connector.io.Digests;
import org.secaimed.dicom.exchange.StudyArchiveReader;
import org.secaimed.dicom.seg.SegmentationType;

class DefaultAlgorithmRunnerTest {
  static PhantomSeries phantomA, phantomB;
  static byte[] imageOnlyA, withTruthA, withTruthB;

  @TempDir static Path models;
  static AlgorithmRunner runner;

  @BeforeAll
  static void setUp() throws Exception {
    phantomA = PhantomArchives.phantom(256, 48, 21);
    phantomB = PhantomArchives.phantom(256, 48, 22);
    imageOnlyA = PhantomArchives.archive(phantomA, null);
    withTruthA = PhantomArchives.archive(phantomA, SegmentationType.BINARY);
    withTruthB = PhantomArchives.archive(phantomB, SegmentationType.LABELMAP);
    runner = EnclaveAlgorithms.runner(models);
  }

  record Run(TaskOutcome outcome, byte[] result) {
    ResultPayload payload() throws Exception {
      return ResultPayloads.read(new ByteArrayInputStream(result));
    }
  }

  static Run run(TaskKind kind, String id, Map<String, Object> parameters, byte[]... inputs) throws Exception {
    String version = runner.catalogue().find(id).orElseThrow().version();
    String digest = runner.catalogue().find(id).orElseThrow().digest();
    List<InputStream> streams = new ArrayList<>();
    for (byte[] in : inputs) streams.add(new ByteArrayInputStream(in));
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    TaskOutcome outcome = runner.run(new TaskRequest(kind, id, version, digest, parameters), streams, sink, ProgressListener.NONE);
    return new Run(outcome, sink.toByteArray());
  }

  @Test
  void segmentsAPhantomStudyArchiveAndReportsWhatItRead() throws Exception {
    List<Double> progress = new ArrayList<>();
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    var d = runner.catalogue().find(CtBodyLungsBone.ID).orElseThrow();
    TaskOutcome outcome = runner.run(new TaskRequest(TaskKind.SEGMENTATION, d.id(), d.version(), d.digest(), Map.of()),
        List.of(new ByteArrayInputStream(imageOnlyA)), sink, (step, f) -> progress.add(f));
    var payload = (ResultPayload.Segmentation) ResultPayloads.read(new ByteArrayInputStream(sink.toByteArray()));

    byte[] truth = phantomA.phantom().truth().labels();
    for (int label = 1; label <= 3; label++) {
      assertThat(OverlapMetrics.dice(payload.labels().labels(), label, truth, label)).as("label %d", label).isGreaterThanOrEqualTo(0.95);
    }
    assertThat(payload.source().seriesInstanceUid()).isEqualTo(phantomA.seriesInstanceUid());
    assertThat(payload.source().sopInstanceUids()).first().isEqualTo(phantomA.sopInstanceUid(0));
    assertThat(payload.algorithm()).isEqualTo(d.ref());
    // what the enclave saw is exactly what the site's manifest says
    var manifest = StudyArchiveReader.readAll(new ByteArrayInputStream(imageOnlyA), i -> { });
    assertThat(outcome.inputInstances()).containsExactly(manifest.instances());
    assertThat(outcome.inputInstances().get(0).get(3).sha256()).isEqualTo(Digests.sha256Hex(phantomA.instance(3)));
    assertThat(outcome.resultSha256()).isEqualTo(Digests.sha256Hex(sink.toByteArray()));
    assertThat(outcome.resultBytes()).isEqualTo(sink.size());
    assertThat(progress).isSorted().last().isEqualTo(1.0);
  }

  @Test
  void evaluatesTheClassicalAlgorithmAgainstAReferenceSeg() throws Exception {
    Run r = run(TaskKind.EVALUATION, CtBodyLungsBone.ID, Map.of(), withTruthA, withTruthB);
    var payload = (ResultPayload.Evaluation) r.payload();
    assertThat(metric(payload.metrics(), "cases", 0)).isEqualTo(2.0);
    for (int s = 1; s <= 3; s++) {
      assertThat(metric(payload.metrics(), "dice", s)).isGreaterThanOrEqualTo(0.95);
      System.out.printf("evaluation segment %d dice %.4f hd95 %.2f mm%n", s, metric(payload.metrics(), "dice", s), metric(payload.metrics(), "hausdorff95", s));
      assertThat(metric(payload.metrics(), "hausdorff95", s)).isBetween(0.0, 5.0);
    }
    assertThat(r.outcome().inputInstances()).hasSize(2);
    assertThat(r.outcome().inputInstances().get(0)).hasSize(49); // 48 slices + the SEG
  }

  @Test
  void trainsAModelKeepsItInsideAndUsesItByIdForSegmentationAndEvaluation() throws Exception {
    Run training = run(TaskKind.TRAINING, VoxelClassifier.ID, Map.of(), withTruthA);
    var trained = (ResultPayload.Training) training.payload();
    String modelId = trained.model().id();
    assertThat(trained.model().trainedBy()).isEqualTo(VoxelClassifier.ID);
    assertThat(training.outcome().model()).isEqualTo(trained.model());
    assertThat(Files.readAllBytes(models.resolve(modelId + ".model"))).satisfies(
        b -> assertThat("sha256:" + Digests.sha256Hex(b)).isEqualTo(trained.model().digest()));
    // the result carries no model bytes: it is small and contains no weights
    assertThat(new String(training.result(), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("weights");
    System.out.println("training metrics " + trained.metrics());

    // a fresh phantom the model never saw
    Run seg = run(TaskKind.SEGMENTATION, VoxelClassifier.ID, Map.of("model", modelId), PhantomArchives.archive(phantomB, null));
    var segmented = (ResultPayload.Segmentation) seg.payload();
    assertThat(segmented.model()).isEqualTo(trained.model());
    byte[] truth = phantomB.phantom().truth().labels();
    for (int label = 1; label <= 3; label++) {
      double dice = OverlapMetrics.dice(segmented.labels().labels(), label, truth, label);
      System.out.printf("classifier label %d dice %.4f%n", label, dice);
      assertThat(dice).as("label %d", label).isGreaterThanOrEqualTo(0.85);
    }

    Run eval = run(TaskKind.EVALUATION, VoxelClassifier.ID, Map.of("model", modelId), withTruthB);
    var evaluation = (ResultPayload.Evaluation) eval.payload();
    assertThat(evaluation.model().id()).isEqualTo(modelId);
    assertThat(metric(evaluation.metrics(), "dice", 2)).isGreaterThanOrEqualTo(0.85);
  }

  @Test
  void refusesWhatDoesNotMatchTheCatalogue() {
    var d = runner.catalogue().find(CtBodyLungsBone.ID).orElseThrow();
    assertReason(new TaskRequest(TaskKind.SEGMENTATION, "nnunet", "1", null, Map.of()), Reason.UNKNOWN_ALGORITHM, "algorithm.id");
    assertReason(new TaskRequest(TaskKind.SEGMENTATION, d.id(), "0.9", null, Map.of()), Reason.VERSION_MISMATCH, "algorithm.version");
    assertReason(new TaskRequest(TaskKind.SEGMENTATION, d.id(), d.version(), "sha256:" + "0".repeat(64), Map.of()), Reason.DIGEST_MISMATCH, "algorithm.digest");
    assertReason(new TaskRequest(TaskKind.TRAINING, d.id(), d.version(), d.digest(), Map.of()), Reason.UNSUPPORTED_TASK_KIND, "kind");
    assertReason(new TaskRequest(TaskKind.SEGMENTATION, d.id(), d.version(), d.digest(), Map.of("bonHu", "300")), Reason.BAD_PARAMETER, "parameters.bonHu");
    var v = runner.catalogue().find(VoxelClassifier.ID).orElseThrow();
    assertReason(new TaskRequest(TaskKind.SEGMENTATION, v.id(), v.version(), v.digest(), Map.of("model", "model-" + "a".repeat(32))), Reason.UNKNOWN_MODEL, "parameters.model");
  }

  @Test
  void badInputsAreNamed() throws Exception {
    byte[] tampered = imageOnlyA.clone();
    byte[] slice7 = phantomA.instance(7);
    int at = indexOf(tampered, java.util.Arrays.copyOfRange(slice7, slice7.length - 64, slice7.length));
    tampered[at] ^= 0x10;
    assertThatThrownBy(() -> run(TaskKind.SEGMENTATION, CtBodyLungsBone.ID, Map.of(), tampered))
        .isInstanceOfSatisfying(AlgorithmException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.BAD_INPUT);
          assertThat(e.subject()).isEqualTo(phantomA.sopInstanceUid(7));
        });
    assertThatThrownBy(() -> run(TaskKind.SEGMENTATION, CtBodyLungsBone.ID, Map.of(), imageOnlyA, imageOnlyA))
        .isInstanceOfSatisfying(AlgorithmException.class, e -> assertThat(e.subject()).isEqualTo("inputs"));
    assertThatThrownBy(() -> run(TaskKind.EVALUATION, CtBodyLungsBone.ID, Map.of(), imageOnlyA))
        .isInstanceOfSatisfying(AlgorithmException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.BAD_INPUT);
          assertThat(e.getMessage()).contains("no reference SEG");
        });
    byte[] truncated = java.util.Arrays.copyOf(imageOnlyA, imageOnlyA.length / 2);
    assertThatThrownBy(() -> run(TaskKind.SEGMENTATION, CtBodyLungsBone.ID, Map.of(), truncated))
        .isInstanceOfSatisfying(AlgorithmException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_INPUT));
  }

  @Test
  void aCancelledTaskStopsWithoutWritingAResult() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    var d = runner.catalogue().find(CtBodyLungsBone.ID).orElseThrow();
    assertThatThrownBy(() -> Cancellation.runWith(() -> true,
        () -> runner.run(new TaskRequest(TaskKind.SEGMENTATION, d.id(), d.version(), d.digest(), Map.of()),
            List.of(new ByteArrayInputStream(imageOnlyA)), sink, ProgressListener.NONE)))
        .isInstanceOfSatisfying(AlgorithmException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CANCELLED));
    assertThat(sink.size()).isZero();
  }

  @Test
  void aModelWhoseBytesChangedOnDiskIsRefused() throws Exception {
    Run training = run(TaskKind.TRAINING, VoxelClassifier.ID, Map.of("iterations", "20", "samples", "5000"), withTruthA);
    String id = ((ResultPayload.Training) training.payload()).model().id();
    Path file = models.resolve(id + ".model");
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    Files.write(file, bytes);
    assertThatThrownBy(() -> run(TaskKind.SEGMENTATION, VoxelClassifier.ID, Map.of("model", id), imageOnlyA))
        .isInstanceOfSatisfying(AlgorithmException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_MODEL));
  }

  private static void assertReason(TaskRequest request, Reason reason, String subject) {
    assertThatThrownBy(() -> runner.run(request, List.of(new ByteArrayInputStream(imageOnlyA)), new ByteArrayOutputStream(), ProgressListener.NONE))
        .isInstanceOfSatisfying(AlgorithmException.class, e -> {
          assertThat(e.reason()).isEqualTo(reason);
          assertThat(e.subject()).isEqualTo(subject);
        });
  }

  static double metric(List<Metric> metrics, String name, int segment) {
    return metrics.stream().filter(m -> m.name().equals(name) && m.segment() == segment).findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name + "#" + segment + " in " + metrics)).value();
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    throw new AssertionError("needle not found");
  }
}
