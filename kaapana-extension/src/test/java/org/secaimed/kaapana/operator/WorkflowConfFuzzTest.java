package org.secaimed.kaapana.operator;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Jazzer target for Kaapana's conf.json (dag_run.conf as the operator container sees it): any file
 * is read or refused with {@link KaapanaEnvironmentException}. {@code scripts/fuzz} fuzzes it.
 */
class WorkflowConfFuzzTest {
  private static final Path FILE = tempFile();

  private static Path tempFile() {
    try {
      Path p = Files.createTempFile("conf", ".json");
      p.toFile().deleteOnExit();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void confJson(byte[] data) throws IOException {
    Files.write(FILE, data);
    try {
      WorkflowConf.read(FILE);
    } catch (KaapanaEnvironmentException expected) {
      // typed refusal is the contract
    }
  }
}
