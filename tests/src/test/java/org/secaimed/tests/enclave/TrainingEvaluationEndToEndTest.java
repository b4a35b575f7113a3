package org.secaimed.tests.enclave;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.gateway.AttestedEnclave;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.gateway.SubmittedTask;
import org.secaimed.connector.gateway.TaskSpec;
import org.secaimed.connector.gateway.VerifiedResult;
import org.secaimed.connector.receipt.ReceiptVerifier;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.enclave.server.algorithms.metrics.OverlapMetrics;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.dicom.exchange.Metric;
import org.secaimed.dicom.exchange.ResultPayload;
import org.secaimed.dicom.exchange.ResultPayloads;
import org.secaimed.dicom.seg.SegmentationType;

/**
 * Issue #4 acceptance 5: train voxel-classifier on one phantom (image + reference SEG), segment a
 * phantom it never saw with the trained model id, and evaluate the model against a reference SEG;
 * every task returns a receipt that verifies (signature, contents, inclusion, consistency).
 */
class TrainingEvaluationEndToEndTest {
  @TempDir Path tmp;

  private static EnclaveFixture.UploadedStudy upload(GatewaySession s, AttestedEnclave e, PhantomSeries series, SegmentationType truth)
      throws Exception {
    return EnclaveFixture.uploadPhantom(s, e, series, truth);
  }

  private static ResultPayload run(GatewaySession s, AttestedEnclave e, KemKeyPair site, String kind, TaskReceipt.Algorithm alg,
      EnclaveFixture.UploadedStudy study, Map<String, String> params, String key) throws Exception {
    SubmittedTask t = s.submit(e, new TaskSpec(kind, alg, List.of(study.blob().blobId()), params,
        Map.of(study.blob().blobId(), study.manifest())), site.publicKey(), key);
    s.await(t, Duration.ofMinutes(3), null);
    try (VerifiedResult r = s.fetchVerified(e, t); InputStream in = r.open(site)) {
      assertThat(r.receipt().kind()).isEqualTo(kind);
      assertThat(ReceiptVerifier.verify(r.bundle(), null).receipt().taskId()).isEqualTo(t.taskId());
      ResultPayload p = ResultPayloads.read(in);
      if (p instanceof ResultPayload.Training tr) {
        // The receipt names the model the enclave now holds, with the digest the site was told.
        assertThat(r.receipt().outputDigest("model:" + tr.model().id())).isEqualTo(tr.model().digest().substring(7));
      }
      return p;
    }
  }

  private static double metric(List<Metric> metrics, String name, int segment) {
    return metrics.stream().filter(m -> m.name().equals(name) && m.segment() == segment).mapToDouble(Metric::value).findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name + " for segment " + segment + " in " + metrics));
  }

  @Test
  void trainSegmentWithTheTrainedModelAndEvaluateEachWithAVerifiedReceipt() throws Exception {
    try (EnclaveFixture f = new EnclaveFixture(tmp)) {
      KemKeyPair site = KemKeyPair.generate(HpkeSuite.X25519);
      GatewaySession s = f.session(f.enclave.baseUrl(), "policies/dev.yaml").build();
      AttestedEnclave e = s.attest();
      TaskReceipt.Algorithm classifier = EnclaveFixture.algorithm(s, "voxel-classifier");
      PhantomSeries a = EnclaveFixture.phantom(192, 32, 21);
      PhantomSeries b = EnclaveFixture.phantom(192, 32, 22);

      var trained = (ResultPayload.Training) run(s, e, site, "training", classifier, upload(s, e, a, SegmentationType.BINARY),
          Map.of("iterations", "30", "samples", "8000"), "train-voxel-1");
      String modelId = trained.model().id();

      var seg = (ResultPayload.Segmentation) run(s, e, site, "segmentation", classifier, upload(s, e, b, null),
          Map.of("model", modelId), "segment-with-model-1");
      assertThat(seg.model()).isEqualTo(trained.model());
      byte[] truth = b.phantom().truth().labels();
      for (int label = 1; label <= 3; label++) {
        assertThat(OverlapMetrics.dice(seg.labels().labels(), label, truth, label)).as("Dice of label %d", label).isGreaterThanOrEqualTo(0.85);
      }

      var eval = (ResultPayload.Evaluation) run(s, e, site, "evaluation", classifier, upload(s, e, b, SegmentationType.LABELMAP),
          Map.of("model", modelId), "evaluate-model-1");
      assertThat(eval.model().id()).isEqualTo(modelId);
      assertThat(metric(eval.metrics(), "dice", 2)).isGreaterThanOrEqualTo(0.85);
    }
  }
}
