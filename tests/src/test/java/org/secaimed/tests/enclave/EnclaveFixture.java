package org.secaimed.tests.enclave;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.secaimed.enclave.server.EnclaveServer;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.gateway.AttestedEnclave;
import org.secaimed.connector.gateway.GatewayException;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.io.RetryPolicy;
import org.secaimed.connector.gateway.UploadedBlob;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.devtools.enclave.DevEnclave;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.dicom.exchange.InstanceRecord;
import org.secaimed.dicom.exchange.StudyArchiveWriter;

/** A real dev enclave on loopback plus the site-side helpers the end-to-end tests share. */
final class EnclaveFixture implements AutoCloseable {
  final Path dir;
  /** The site's key pair: sessions sign with the key derived from it and seal under policies it owns. */
  final org.secaimed.connector.seal.KemKeyPair siteKeys = org.secaimed.connector.seal.KemKeyPair.generate(
      org.secaimed.connector.seal.HpkeSuite.X25519);
  final ByteArrayOutputStream banner = new ByteArrayOutputStream();
  DevEnclave enclave;

  EnclaveFixture(Path dir) throws IOException {
    this.dir = dir;
    this.enclave = start(0);
  }

  DevEnclave start(int port) throws IOException {
    return DevEnclave.start(EnclaveServer.Config.defaults(dir.resolve("enclave-state")).withPort(port),
        new PrintStream(banner, true, StandardCharsets.UTF_8));
  }

  void restart() throws IOException {
    int port = enclave.port();
    enclave.close();
    enclave = start(port);
  }

  GatewaySession.Builder session(String baseUrl, String policyResource) throws Exception {
    return GatewaySession.builder(baseUrl).policy(Policy.resource(policyResource)).partSize(256 * 1024)
        .pollInterval(Duration.ofMillis(50)).checkpointStore(dir.resolve("site/checkpoints")).workDir(dir.resolve("site/work"))
        .retry(new RetryPolicy(30, Duration.ofMillis(50), Duration.ofMillis(500))).site(siteKeys);
  }

  static TaskReceipt.Algorithm algorithm(GatewaySession s, String id) throws GatewayException {
    return s.client().algorithms().stream().filter(a -> a.getId().equals(id)).findFirst()
        .map(a -> new TaskReceipt.Algorithm(a.getId(), a.getVersion(), a.getDigest()))
        .orElseThrow(() -> new AssertionError("the dev enclave does not offer " + id));
  }

  /** The phantom study, sealed and uploaded as a study archive; returns the blob and the site's manifest. */
  record UploadedStudy(UploadedBlob blob, Map<String, String> manifest) {}

  static UploadedStudy uploadPhantom(GatewaySession s, AttestedEnclave e, PhantomSeries series) throws Exception {
    return uploadPhantom(s, e, series, null);
  }

  /** As above, with the phantom's ground truth as a SEG of type {@code truth} in the study (training, evaluation); null: none. */
  static UploadedStudy uploadPhantom(GatewaySession s, AttestedEnclave e, PhantomSeries series,
      org.secaimed.dicom.seg.SegmentationType truth) throws Exception {
    Map<String, String> manifest = new LinkedHashMap<>();
    UploadedBlob blob = s.sealAndUpload(e, out -> {
      StudyArchiveWriter w = StudyArchiveWriter.open(out);
      for (int k = 0; k < series.size(); k++) {
        InstanceRecord r = w.add(series.instance(k));
        manifest.put(r.sopInstanceUid(), r.sha256());
      }
      if (truth != null) {
        InstanceRecord r = w.add(series.groundTruthSeg(truth));
        manifest.put(r.sopInstanceUid(), r.sha256());
      }
      w.finish();
      w.close();
    });
    return new UploadedStudy(blob, manifest);
  }

  static PhantomSeries phantom(int size, int slices, long seed) {
    return new PhantomSeries(CtPhantom.builder().size(size, size, slices).seed(seed).build());
  }

  @Override
  public void close() {
    if (enclave != null) enclave.close();
  }

  /**
   * Protocol v2: the receipt names no instance UIDs, only a commitment to the site's manifest keyed
   * by the site's own key for that blob (a membership test needs that key).
   */
  void assertCommitsTo(org.secaimed.connector.receipt.TaskReceipt.Input in, Map<String, String> manifest) {
    org.assertj.core.api.Assertions.assertThat(in.instances()).as("instance UIDs in the receipt").isEmpty();
    org.assertj.core.api.Assertions.assertThat(in.instancesCommitment()).isEqualTo(org.secaimed.connector.receipt.InstanceCommitments.commit(
        org.secaimed.connector.receipt.InstanceCommitments.key(siteKeys, in.blobId()), manifest));
  }
}
