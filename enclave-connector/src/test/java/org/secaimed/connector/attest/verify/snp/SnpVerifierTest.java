package org.secaimed.connector.attest.verify.snp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.secaimed.connector.attest.Check;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.verify.VerificationContext;
import org.secaimed.connector.attest.verify.VerifiedEvidence;
import org.secaimed.connector.attest.verify.Vectors;

class SnpVerifierTest {
  static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");
  static final Instant VLEK_WINDOW = Instant.parse("2025-06-01T00:00:00Z");
  final SnpVerifier snp = new SnpVerifier();

  VerifiedEvidence verify(String report, Instant at, String... certFiles) throws EvidenceFormatException {
    return snp.verify(new Evidence("sev-snp", Vectors.bytes(report), Vectors.certs(certFiles), List.of()), VerificationContext.at(at));
  }

  static String failed(VerifiedEvidence v) {
    return v.failedCheck().map(Check::id).orElse("none");
  }

  @Test
  void milanVcekReportVerifiesAndClaimsDebug() throws Exception {
    VerifiedEvidence v = verify("sev-snp/gsg-milan-vcek/report.bin", NOW, "sev-snp/gsg-milan-vcek/vcek.der", "sev-snp/roots/ask_ark_milan.pem");
    assertThat(v.verified()).as(v.checks().toString()).isTrue();
    assertThat(v.claims()).containsEntry("product", "Milan").containsEntry("version", 2).containsEntry("debugAllowed", true);
    assertThat(v.debug()).contains(true);
    assertThat(v.tcb()).containsEntry("bootLoader", 2).containsEntry("tee", 0).containsEntry("snp", 5).containsEntry("microcode", 68);
    assertThat(v.referenceValues().get("measurement")).startsWith("b07af962").endsWith("2b01");
    assertThat(v.reportData()).get().satisfies(rd -> assertThat(rd).startsWith(1, 2, 3, 4, 5));
    assertThat(v.checks()).extracting(Check::id).contains("snp.ark-pinned", "snp.ask-signed-by-ark", "snp.vcek-signed-by-ask",
        "snp.chip-id", "snp.reported-tcb-matches-key", "snp.report-signature");
  }

  @Test
  void bundleOrderDoesNotMatter() throws Exception {
    List<byte[]> certs = new ArrayList<>(Vectors.certs("sev-snp/roots/ask_ark_milan.pem", "sev-snp/gsg-milan-vcek/vcek.der"));
    Collections.reverse(certs);
    VerifiedEvidence v = snp.verify(new Evidence("sev-snp", Vectors.bytes("sev-snp/gsg-milan-vcek/report.bin"), certs, List.of()),
        VerificationContext.at(NOW));
    assertThat(v.verified()).isTrue();
  }

  @Test
  void flippedReportBitFailsTheSignature() throws Exception {
    byte[] report = Vectors.bytes("sev-snp/gsg-milan-vcek/report.bin");
    report[0x90] ^= 1; // MEASUREMENT
    VerifiedEvidence v = snp.verify(new Evidence("sev-snp", report,
        Vectors.certs("sev-snp/gsg-milan-vcek/vcek.der", "sev-snp/roots/ask_ark_milan.pem"), List.of()), VerificationContext.at(NOW));
    assertThat(failed(v)).isEqualTo("snp.report-signature");
  }

  @Test
  void vcekNotSignedByAmdFails() throws Exception {
    VerifiedEvidence v = verify("sev-snp/gsg-milan-vcek/report.bin", NOW, "sev-snp/negative/vcek-not-signed-by-amd.der", "sev-snp/roots/ask_ark_milan.pem");
    assertThat(failed(v)).isEqualTo("snp.vcek-signed-by-ask");
    assertThat(v.verified()).isFalse();
  }

  @Test
  void milanVcekAgainstGenoaRootsFails() throws Exception {
    VerifiedEvidence v = verify("sev-snp/gsg-milan-vcek/report.bin", NOW, "sev-snp/gsg-milan-vcek/vcek.der", "sev-snp/roots/ask_ark_genoa.pem");
    assertThat(v.verified()).isFalse();
    assertThat(failed(v)).isIn("snp.product", "snp.ark-pinned");
  }

  @Test
  void otherVcekFailsChipIdTcbAndSignature() throws Exception {
    VerifiedEvidence v = verify("sev-snp/gsg-milan-vcek/report.bin", NOW, "sev-snp/azure-genoa/vcek.pem", "sev-snp/roots/ask_ark_genoa.pem",
        "sev-snp/roots/ask_ark_milan.pem");
    assertThat(v.verified()).isFalse();
  }

  @Test
  void withoutAmdRootTheChainFails() throws Exception {
    VerifiedEvidence v = verify("sev-snp/gsg-milan-vcek/report.bin", NOW, "sev-snp/gsg-milan-vcek/vcek.der");
    assertThat(failed(v)).isEqualTo("snp.ark-pinned");
  }

  @Test
  void vlekReportVerifiesOnlyWhileTheVlekIsValid() throws Exception {
    VerifiedEvidence in = verify("sev-snp/trustee-milan-vlek/report.bin", VLEK_WINDOW, "sev-snp/trustee-milan-vlek/vlek.der",
        "sev-snp/roots/asvk_ark_milan_vlek.pem");
    assertThat(in.verified()).as(in.checks().toString()).isTrue();
    assertThat(in.claims()).containsEntry("signingKey", "VLEK").containsEntry("version", 3).containsEntry("vmpl", 1);
    assertThat(in.tcb()).containsEntry("bootLoader", 4).containsEntry("snp", 24).containsEntry("microcode", 217);
    VerifiedEvidence now = verify("sev-snp/trustee-milan-vlek/report.bin", NOW, "sev-snp/trustee-milan-vlek/vlek.der",
        "sev-snp/roots/asvk_ark_milan_vlek.pem");
    assertThat(failed(now)).isEqualTo("snp.vcek-valid");
  }

  @Test
  void vlekReportWithVcekChainFails() throws Exception {
    VerifiedEvidence v = verify("sev-snp/trustee-milan-vlek/report.bin", VLEK_WINDOW, "sev-snp/trustee-milan-vlek/vlek.der",
        "sev-snp/roots/ask_ark_milan.pem");
    assertThat(failed(v)).isEqualTo("snp.ask-signed-by-ark");
  }

  @Test
  void azureGenoaReportVerifies() throws Exception {
    VerifiedEvidence v = verify("sev-snp/azure-genoa/report.bin", NOW, "sev-snp/azure-genoa/vcek.pem", "sev-snp/roots/ask_ark_genoa.pem");
    assertThat(v.verified()).as(v.checks().toString()).isTrue();
    assertThat(v.claims()).containsEntry("product", "Genoa").containsEntry("debugAllowed", false);
    assertThat(v.tcb()).containsEntry("bootLoader", 10).containsEntry("snp", 23).containsEntry("microcode", 84);
  }

  @Test
  void azureHclReportVerifiesAndBindsUserData() throws Exception {
    VerifiedEvidence v = new AzureSnpHclVerifier().verify(new Evidence("azure-snp-hcl", Vectors.bytes("sev-snp/azure-genoa/hcl-report.bin"),
        Vectors.certs("sev-snp/azure-genoa/vcek.pem", "sev-snp/roots/ask_ark_genoa.pem"), List.of()), VerificationContext.at(NOW));
    assertThat(v.verified()).as(v.checks().toString()).isTrue();
    assertThat(v.checks()).extracting(Check::id).contains("azure.runtime-data-bound");
    assertThat(v.reportData()).get().satisfies(rd -> assertThat(rd).hasSize(64));
  }

  @Test
  void azureHclWithEditedRuntimeDataFailsTheBinding() throws Exception {
    byte[] hcl = Vectors.bytes("sev-snp/azure-genoa/hcl-report.bin");
    String s = new String(hcl, java.nio.charset.StandardCharsets.ISO_8859_1);
    int i = s.indexOf("\"secure-boot\":true");
    hcl[i + 1] = 'S'; // "Secure-boot": still valid JSON, but no longer what the report's hash covers
    VerifiedEvidence v = new AzureSnpHclVerifier().verify(new Evidence("azure-snp-hcl", hcl,
        Vectors.certs("sev-snp/azure-genoa/vcek.pem", "sev-snp/roots/ask_ark_genoa.pem"), List.of()), VerificationContext.at(NOW));
    assertThat(failed(v)).isEqualTo("azure.runtime-data-bound");
  }

  @Test
  void crlNotSignedByTheArkFailsAndGarbageCollateralIsATypedError() throws Exception {
    var ark = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
        .generateCertificates(new java.io.ByteArrayInputStream(Vectors.bytes("sev-snp/roots/ask_ark_milan.pem"))).toArray()[1];
    var kpg = java.security.KeyPairGenerator.getInstance("EC");
    kpg.initialize(256);
    var forger = kpg.generateKeyPair();
    var builder = new org.bouncycastle.cert.X509v2CRLBuilder(
        org.bouncycastle.asn1.x500.X500Name.getInstance(ark.getSubjectX500Principal().getEncoded()), java.util.Date.from(NOW.minusSeconds(3600)));
    builder.setNextUpdate(java.util.Date.from(NOW.plusSeconds(86400)));
    byte[] forged = builder.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(forger.getPrivate())).getEncoded();
    Evidence e = new Evidence("sev-snp", Vectors.bytes("sev-snp/gsg-milan-vcek/report.bin"),
        Vectors.certs("sev-snp/gsg-milan-vcek/vcek.der", "sev-snp/roots/ask_ark_milan.pem"), List.of(forged));
    VerifiedEvidence v = snp.verify(e, VerificationContext.at(NOW));
    assertThat(failed(v)).isEqualTo("snp.not-revoked");
    assertThat(snp.verify(new Evidence("sev-snp", e.data(), e.certificates(), List.of()), VerificationContext.at(NOW)).checks())
        .filteredOn(c -> c.id().equals("snp.not-revoked")).singleElement().extracting(Check::status).isEqualTo(Check.Status.SKIPPED);
    assertThatThrownBy(() -> snp.verify(new Evidence("sev-snp", e.data(), e.certificates(), List.of(new byte[] {1, 2, 3})), VerificationContext.at(NOW)))
        .isInstanceOf(EvidenceFormatException.class).hasMessageContaining("collateral[0]");
  }

  @Test
  void truncatedOrWrongVersionReportsAreTypedErrors() {
    byte[] report = Vectors.bytes("sev-snp/gsg-milan-vcek/report.bin");
    assertThatThrownBy(() -> SnpReport.parse(java.util.Arrays.copyOf(report, 1000))).isInstanceOf(EvidenceFormatException.class)
        .hasMessageContaining("1184");
    byte[] v9 = report.clone();
    v9[0] = 9;
    assertThatThrownBy(() -> SnpReport.parse(v9)).isInstanceOf(EvidenceFormatException.class).hasMessageContaining("VERSION");
  }

  /** Issue #10 item 7 / review L1: unsigned bytes must be zero, so one report has one evidence digest. */
  @Test
  void nonZeroUnsignedBytesAreRefused() {
    byte[] report = Vectors.bytes("sev-snp/gsg-milan-vcek/report.bin");
    byte[] tail = report.clone();
    tail[0x400] = 1;
    assertThatThrownBy(() -> SnpReport.parse(tail)).isInstanceOf(EvidenceFormatException.class).hasMessageContaining("reserved bytes");
    byte[] highR = report.clone();
    highR[0x2A0 + 60] = 1;
    assertThatThrownBy(() -> SnpReport.parse(highR)).isInstanceOf(EvidenceFormatException.class).hasMessageContaining("SIGNATURE.R");
  }
}
