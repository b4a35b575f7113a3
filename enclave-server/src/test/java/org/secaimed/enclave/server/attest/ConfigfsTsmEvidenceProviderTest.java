package org.secaimed.enclave.server.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.attest.Check;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.verify.VerificationContext;
import org.secaimed.connector.attest.verify.VerifiedEvidence;
import org.secaimed.connector.attest.verify.Verifiers;
import org.secaimed.connector.attest.verify.snp.SimulatedAmdSnp;
import org.secaimed.enclave.server.attest.EvidenceProvider.EvidenceUnavailableException;

/** The configfs-tsm provider on the SIMULATED TEE ({@link SimulatedTsm}): SEV-SNP and TDX. */
class ConfigfsTsmEvidenceProviderTest {
  static SimulatedAmdSnp amd;
  static final byte[] MEASUREMENT = new byte[48];
  @TempDir Path tmp;

  @BeforeAll
  static void chain() {
    amd = SimulatedAmdSnp.shared();
    new SecureRandom().nextBytes(MEASUREMENT);
  }

  static byte[] binding() {
    byte[] b = new byte[64];
    new SecureRandom().nextBytes(b);
    return b;
  }

  static String failed(VerifiedEvidence v) {
    return v.checks().stream().filter(c -> c.status() == Check.Status.FAIL).map(Check::id).findFirst().orElse(null);
  }

  @Test
  void snpEvidenceBindsTheRequestAndCarriesTheHostsCertificates() throws Exception {
    SimulatedTsm tee = SimulatedTsm.snp(tmp.resolve("report"), amd, MEASUREMENT);
    ConfigfsTsmEvidenceProvider provider = ConfigfsTsmEvidenceProvider.open(tee.tsm(), List.of(), List.of());
    assertThat(provider.enclave().measurement()).isEqualTo(HexFormat.of().formatHex(MEASUREMENT));
    assertThat(provider.enclave().insecure()).isFalse();
    assertThat(provider.enclave().platform()).contains("SEV-SNP");

    byte[] binding = binding();
    Evidence e = provider.issue(binding);
    assertThat(e.format()).isEqualTo("sev-snp");
    assertThat(e.certificates()).hasSize(3);
    VerifiedEvidence v = amd.verifiers().verify(e, VerificationContext.at(Instant.now()));
    assertThat(failed(v)).as("every check passes against the simulated root").isNull();
    assertThat(v.reportData()).hasValueSatisfying(r -> assertThat(r).isEqualTo(binding));
    assertThat(v.claims().get("measurement")).isEqualTo(provider.enclave().measurement());
    try (Stream<Path> left = Files.list(tee.root())) {
      assertThat(left).as("each request removes its report directory").isEmpty();
    }
  }

  @Test
  void theProductionVerifierRejectsTheSimulatedChain() {
    SimulatedTsm tee = SimulatedTsm.snp(tmp.resolve("report"), amd, MEASUREMENT);
    Evidence e = ConfigfsTsmEvidenceProvider.open(tee.tsm(), List.of(), List.of()).issue(binding());
    VerifiedEvidence v = Verifiers.standard().verify(e, VerificationContext.at(Instant.now()));
    assertThat(failed(v)).isEqualTo("snp.ark-pinned");
  }

  @Test
  void tdxEvidenceCarriesTheQuoteWithTheBindingAndTheCollateral() throws Exception {
    byte[] quote = Files.readAllBytes(testdata("tdx/quote_v4_spr_e4.dat"));
    byte[] tcbInfo = Files.readAllBytes(testdata("tdx/tcbinfo_tdx_50806f000000.json"));
    SimulatedTsm tee = SimulatedTsm.tdx(tmp.resolve("report"), quote);
    ConfigfsTsmEvidenceProvider provider = ConfigfsTsmEvidenceProvider.open(tee.tsm(), List.of(), List.of(tcbInfo));
    // MRTD: TD report body offset 136, after the 48-byte header.
    assertThat(provider.enclave().measurement()).isEqualTo(HexFormat.of().formatHex(java.util.Arrays.copyOfRange(quote, 48 + 136, 48 + 184)));
    assertThat(provider.enclave().platform()).contains("TDX");
    byte[] binding = binding();
    Evidence e = provider.issue(binding);
    assertThat(e.format()).isEqualTo("tdx");
    assertThat(java.util.Arrays.copyOfRange(e.data(), SimulatedTsm.TDX_V4_REPORT_DATA, SimulatedTsm.TDX_V4_REPORT_DATA + 64)).isEqualTo(binding);
    assertThat(e.collateral()).containsExactly(tcbInfo);
  }

  @Test
  void withoutTheInterfaceTheProviderRefusesToStart() {
    assertThatThrownBy(() -> ConfigfsTsmEvidenceProvider.open(new ConfigfsTsm(tmp.resolve("no-tsm")), List.of(), List.of()))
        .isInstanceOf(EvidenceUnavailableException.class)
        .hasMessageContaining("no-tsm").hasMessageContaining("does not exist").hasMessageContaining("6.7");
  }

  @Test
  void aRaceWithAnotherWriterIsRetriedOnceThenRefused() {
    SimulatedTsm tee = SimulatedTsm.snp(tmp.resolve("report"), amd, MEASUREMENT);
    ConfigfsTsmEvidenceProvider provider = ConfigfsTsmEvidenceProvider.open(tee.tsm(), List.of(), List.of());
    int before = tee.reports();
    tee.interfere(1);
    assertThat(provider.issue(binding()).format()).isEqualTo("sev-snp");
    assertThat(tee.reports() - before).as("the raced report is discarded and asked again").isEqualTo(2);
    tee.interfere(2);
    assertThatThrownBy(() -> provider.issue(binding())).isInstanceOf(EvidenceUnavailableException.class)
        .hasMessageContaining("another writer").hasMessageContaining("generation");
  }

  @Test
  void aReportThatDoesNotBindTheRequestIsRefused() {
    SimulatedTsm tee = SimulatedTsm.snp(tmp.resolve("report"), amd, MEASUREMENT);
    ConfigfsTsmEvidenceProvider provider = ConfigfsTsmEvidenceProvider.open(tee.tsm(), List.of(), List.of());
    tee.staleReportData(binding());
    assertThatThrownBy(() -> provider.issue(binding())).isInstanceOf(EvidenceUnavailableException.class)
        .hasMessageContaining("REPORT_DATA differs from the requested binding");
  }

  @Test
  void withoutTheHostsCertificateTableTheProviderRefusesToStart() {
    SimulatedTsm tee = SimulatedTsm.snp(tmp.resolve("report"), amd, MEASUREMENT);
    tee.withoutCertificates(true);
    assertThatThrownBy(() -> ConfigfsTsmEvidenceProvider.open(tee.tsm(), List.of(), List.of()))
        .isInstanceOf(EvidenceUnavailableException.class).hasMessageContaining("no VCEK or VLEK");
  }

  static Path testdata(String rel) {
    return Path.of(System.getProperty("secaimed.repo.root", "..")).resolve("../shared/testdata/attestation").resolve(rel);
  }
}
