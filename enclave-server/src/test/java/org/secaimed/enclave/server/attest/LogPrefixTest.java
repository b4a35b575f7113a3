package org.secaimed.enclave.server.attest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.verify.snp.SimulatedAmdSnp;
import org.secaimed.connector.receipt.TaskReceipt;

/**
 * The server's log lines start with the evidence provider's prefix: INSECURE for the software
 * {@code dev} provider (DESIGN §6 invariant 7), not for hardware evidence (simulated SEV-SNP here).
 */
class LogPrefixTest {
  @TempDir Path tmp;

  @Test
  void hardwareEvidenceLogsWithoutInsecure() throws Exception {
    byte[] measurement = new byte[48];
    new SecureRandom().nextBytes(measurement);
    SimulatedTsm tee = SimulatedTsm.snp(tmp.resolve("report"), SimulatedAmdSnp.shared(), measurement);
    EvidenceProvider snp = ConfigfsTsmEvidenceProvider.open(tee.tsm(), List.of(), List.of());
    assertThat(snp.logPrefix()).isEqualTo("enclave: ").doesNotContain("INSECURE");
  }

  @Test
  void theDevProviderSaysInsecure() {
    EvidenceProvider dev = new EvidenceProvider() {
      @Override public String name() {
        return "dev";
      }

      @Override public Evidence issue(byte[] reportData) {
        throw new UnsupportedOperationException();
      }

      @Override public TaskReceipt.Enclave enclave() {
        return new TaskReceipt.Enclave("dev", "00", true);
      }
    };
    assertThat(dev.logPrefix()).isEqualTo("INSECURE dev enclave: ");
  }

  /** The old code hard-coded the INSECURE prefix into the server's log lines; they must take the provider's. */
  @Test
  void noServerLogLineHardCodesThePrefix() throws Exception {
    Path src = Path.of(System.getProperty("secaimed.repo.root"), "enclave-server/src/main/java");
    try (Stream<Path> files = Files.walk(src)) {
      List<String> offenders = files.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> read(p).lines().anyMatch(l -> l.contains("LOG.") || l.contains("getLogger(")) && read(p).contains("\"INSECURE dev enclave: "))
          .map(p -> src.relativize(p).toString()).toList();
      assertThat(offenders).isEmpty();
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
