package org.secaimed.tests.enclave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.gateway.AttestationRefusedException;
import org.secaimed.connector.gateway.AttestedEnclave;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.gateway.SubmittedTask;
import org.secaimed.connector.gateway.TaskSpec;
import org.secaimed.connector.gateway.VerifiedResult;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.enclave.server.algorithms.metrics.OverlapMetrics;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.dicom.exchange.ResultPayload;
import org.secaimed.dicom.exchange.ResultPayloads;
import org.secaimed.kaapana.cli.SecaimedCli;
import picocli.CommandLine;

/** Issue #4 acceptance 1 and 2: the phantom through attest → seal → upload → ct-body-lungs-bone → verify → Dice. */
class SegmentationEndToEndTest {
  @TempDir Path tmp;

  @Test
  void phantomSegmentedInTheDevEnclaveWithVerifiedReceiptAndDiceAbove095() throws Exception {
    try (EnclaveFixture f = new EnclaveFixture(tmp)) {
      KemKeyPair site = KemKeyPair.generate(HpkeSuite.XWING);
      GatewaySession s = f.session(f.enclave.baseUrl(), "policies/dev.yaml").build();
      AttestedEnclave e = s.attest();
      PhantomSeries series = EnclaveFixture.phantom(256, 48, 11);
      EnclaveFixture.UploadedStudy study = EnclaveFixture.uploadPhantom(s, e, series);
      assertThat(study.manifest()).hasSize(48);
      TaskSpec spec = new TaskSpec("segmentation", EnclaveFixture.algorithm(s, "ct-body-lungs-bone"), List.of(study.blob().blobId()),
          Map.of(), Map.of(study.blob().blobId(), study.manifest()));
      SubmittedTask task = s.submit(e, spec, site.publicKey(), "e2e-seg-" + study.blob().blobId().substring(7, 23));
      s.await(task, Duration.ofMinutes(2), null);
      try (VerifiedResult r = s.fetchVerified(e, task)) {
        // The receipt commits to every instance the site sent, with the site's own digests, without naming them.
        f.assertCommitsTo(r.receipt().inputs().get(0), study.manifest());
        ResultPayload.Segmentation seg;
        try (InputStream in = r.open(site)) {
          seg = (ResultPayload.Segmentation) ResultPayloads.read(in);
        }
        byte[] truth = series.phantom().truth().labels();
        for (int label : new int[] {CtPhantom.BODY, CtPhantom.LUNG, CtPhantom.BONE}) {
          double dice = OverlapMetrics.dice(seg.labels().labels(), label, truth, label);
          assertThat(dice).as("Dice of label %d", label).isGreaterThanOrEqualTo(0.95);
        }
        assertThat(seg.segments()).extracting(d -> d.type().value()).containsExactly("38266002", "39607008", "272673000");
        // The receipt verifies offline through the CLI, including consistency with the checkpoint stored before.
        Path bundle = tmp.resolve("receipt.json");
        r.bundle().write(bundle);
        StringWriter out = new StringWriter();
        CommandLine cli = SecaimedCli.commandLine();
        cli.setOut(new PrintWriter(out));
        Path policy = tmp.resolve("policy.yaml");
        Files.writeString(policy, org.secaimed.connector.attest.validate.Policy.resource("policies/dev.yaml").text());
        assertThat(cli.execute("receipt", "verify", bundle.toString(), "--policy", policy.toString(), "--json")).isZero();
        assertThat(out.toString()).contains("\"verified\":true").contains(task.taskId());
      }
    }
  }

  @Test
  void productionPolicyRefusesTheDevEnclaveBeforeAnyUpload() throws Exception {
    try (EnclaveFixture f = new EnclaveFixture(tmp)) {
      GatewaySession s = f.session(f.enclave.baseUrl(), "policies/production-example.yaml").build();
      assertThatThrownBy(s::attest).isInstanceOf(AttestationRefusedException.class)
          .hasMessageContaining("INSECURE").hasMessageContaining("REJECTED");
      assertThat(f.enclave.blobCount()).isZero();
      try (Stream<Path> uploads = Files.list(f.enclave.stateDir().resolve("uploads"))) {
        assertThat(uploads).isEmpty();
      }
      assertThat(f.banner.toString(StandardCharsets.UTF_8).lines()).allMatch(l -> l.contains("INSECURE"));
    }
  }
}
