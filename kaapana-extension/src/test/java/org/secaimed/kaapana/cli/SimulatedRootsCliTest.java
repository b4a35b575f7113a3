package org.secaimed.kaapana.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.attest.verify.snp.SimulatedAmdSnp;

/**
 * {@code secaimed attest verify-evidence} cannot be made to trust the SIMULATED AMD chain the
 * tests use: supplying it as certificates fails the ARK pin, and no option names a root.
 */
class SimulatedRootsCliTest {
  @TempDir Path tmp;

  @Test
  void theSimulatedChainFailsTheArkPinAndNoOptionNamesARoot() throws Exception {
    SimulatedAmdSnp amd = SimulatedAmdSnp.shared();
    byte[] data = new byte[64];
    new SecureRandom().nextBytes(data);
    Path report = Files.write(tmp.resolve("report.bin"), amd.report(data, new byte[48]));
    List<String> args = new ArrayList<>(List.of("--format", "sev-snp", "--evidence", report.toString(), "--report-data", HexFormat.of().formatHex(data)));
    List<byte[]> chain = amd.chainDer();
    for (int i = 0; i < chain.size(); i++) {
      args.add("--cert");
      args.add(Files.write(tmp.resolve("cert" + i + ".der"), chain.get(i)).toString());
    }
    AttestCommandTest.Result r = AttestCommandTest.run(args.toArray(String[]::new));
    assertThat(r.exit()).isEqualTo(SecaimedCli.EXIT_FAILED);
    assertThat(r.check("snp.ark-pinned")).isEqualToIgnoringCase("FAIL");

    Path ark = Files.write(tmp.resolve("ark.der"), chain.get(2));
    for (String option : List.of("--ark", "--root", "--trusted-root", "--trust-anchor", "--test-roots", "--ark-sha256")) {
      List<String> withRoot = new ArrayList<>(args);
      withRoot.add(option);
      withRoot.add(ark.toString());
      assertThat(AttestCommandTest.run(withRoot.toArray(String[]::new)).exit()).as(option).isEqualTo(SecaimedCli.EXIT_USAGE);
    }
  }
}
