package org.secaimed.tests.tee;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.attest.EnclaveAttestation;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.receipt.ReceiptBundle;
import org.secaimed.connector.receipt.ReceiptVerifier;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.attest.verify.snp.SimulatedAmdSnp;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.dicom.pipeline.BridgePipeline;
import org.secaimed.dicom.pipeline.DirectorySegDestination;
import org.secaimed.dicom.pipeline.DirectorySeriesSource;
import org.secaimed.dicom.pipeline.PipelineException;
import org.secaimed.dicom.pipeline.SeriesOutcome;
import org.secaimed.enclave.server.EnclaveServer;
import org.secaimed.enclave.server.attest.ConfigfsTsmEvidenceProvider;
import org.secaimed.enclave.server.attest.SimulatedTsm;

/**
 * The production path end to end on a SIMULATED SEV-SNP TEE, without the {@code dev} format: the
 * enclave server's configfs-tsm provider over a fake report tree whose "chip" signs with a test
 * ARK → ASK → VCEK chain; the site verifies that chain (test root injected through the test-only
 * seam), judges a non-dev policy pinning the launch measurement and TCB, checks the key binding,
 * seals the study, the server runs the task and signs a receipt, and the SEG is written back.
 */
class ConfidentialVmEndToEndTest {
  static final SimulatedAmdSnp AMD = SimulatedAmdSnp.shared();
  static final byte[] MEASUREMENT = new byte[48];
  @TempDir static Path dir;
  static SimulatedTsm tee;
  static EnclaveServer server;
  static PhantomSeries series;
  static Path pacs;

  @BeforeAll
  static void start() throws Exception {
    new SecureRandom().nextBytes(MEASUREMENT);
    tee = SimulatedTsm.snp(dir.resolve("tsm/report"), AMD, MEASUREMENT);
    ConfigfsTsmEvidenceProvider provider = ConfigfsTsmEvidenceProvider.open(tee.tsm(), List.of(), List.of());
    server = EnclaveServer.start(EnclaveServer.Config.defaults(dir.resolve("enclave")).withEvidence(provider),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    series = new PhantomSeries(CtPhantom.builder().size(96, 96, 12).seed(13).build());
    pacs = Files.createDirectories(dir.resolve("pacs"));
    series.writeTo(pacs);
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  static Policy policy(String measurementHex) throws Exception {
    return Policy.parse("""
        policyVersion: 1
        name: simulated-confidential-vm
        allowedFormats: [sev-snp]
        allowInsecureDevEnclave: false
        requireCurrentCollateral: false
        # The simulated host provisions no ARK-signed CRL (a KDS fetch is not wired yet); PolicyRulesTest judges revocation.
        requireRevocation: false
        sevSnp:
          products: [Milan]
          measurements: ["%s"]
          allowDebug: false
          allowMigrationAgent: false
          vmpl: [0]
          minimumTcb: {bootLoader: 3, tee: 0, snp: 8, microcode: 115}
        """.formatted(measurementHex));
  }

  static BridgePipeline pipeline(String name, Policy policy, EnclaveAttestation attestation) throws Exception {
    KemKeyPair site = KemKeyPair.generate(HpkeSuite.X25519);
    GatewaySession.Builder b = GatewaySession.builder(server.baseUrl()).policy(policy).site(site).pollInterval(Duration.ofMillis(50))
        .checkpointStore(dir.resolve(name + "/checkpoints")).workDir(dir.resolve(name + "/work"));
    if (attestation != null) b.attestation(attestation);
    GatewaySession gateway = b.build();
    return BridgePipeline.builder().gateway(gateway).siteKey(site)
        .source(new DirectorySeriesSource(pacs)).destination(new DirectorySegDestination(dir.resolve(name + "/out")))
        .algorithm(BridgePipeline.resolveAlgorithm(gateway, "ct-body-lungs-bone", null)).build();
  }

  @Test
  void aStudyTravelsThroughSnpEvidenceANonDevPolicyAndComesBackAsAVerifiedSeg() throws Exception {
    String measurement = HexFormat.of().formatHex(MEASUREMENT);
    SeriesOutcome o = pipeline("site", policy(measurement), new EnclaveAttestation(AMD.verifiers()))
        .segmentSeries(series.seriesInstanceUid(), dir.resolve("site/run"));

    assertThat(o.enclaveInsecure()).isFalse();
    assertThat(o.enclaveMeasurement()).isEqualTo(measurement);
    assertThat(o.segments()).contains("Body", "Lungs", "Bone");
    assertThat(dir.resolve("site/out")).isDirectoryContaining(p -> p.toString().endsWith(".dcm"));
    TaskReceipt receipt = ReceiptVerifier.verify(ReceiptBundle.read(o.receiptFile()), null).receipt();
    assertThat(receipt.enclave().insecure()).isFalse();
    assertThat(receipt.enclave().platform()).contains("SEV-SNP");
    assertThat(receipt.enclave().measurement()).isEqualTo(measurement);
    assertThat(receipt.attestation().evidenceDigest()).isEqualTo(o.evidenceDigest());
    assertThat(Files.readString(o.recordFile())).doesNotContain("\"dev\"").doesNotContain("INSECURE");
  }

  @Test
  void theProductionVerifiersRefuseTheSimulatedTeeBeforeAnyUpload() throws Exception {
    long blobs = server.blobCount();
    assertThatThrownBy(() -> pipeline("prod", policy(HexFormat.of().formatHex(MEASUREMENT)), null)
        .segmentSeries(series.seriesInstanceUid(), dir.resolve("prod/run")))
        .isInstanceOf(PipelineException.class).hasMessageContaining("snp.ark-pinned");
    assertThat(server.blobCount()).isEqualTo(blobs);
  }

  @Test
  void aPolicyPinningAnotherMeasurementRefusesBeforeAnyUpload() throws Exception {
    long blobs = server.blobCount();
    assertThatThrownBy(() -> pipeline("other", policy("ab".repeat(48)), new EnclaveAttestation(AMD.verifiers()))
        .segmentSeries(series.seriesInstanceUid(), dir.resolve("other/run")))
        .isInstanceOf(PipelineException.class).hasMessageContaining("measurement");
    assertThat(server.blobCount()).isEqualTo(blobs);
  }
}
