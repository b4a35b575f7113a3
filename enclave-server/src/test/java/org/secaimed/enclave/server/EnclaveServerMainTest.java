package org.secaimed.enclave.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The production entry point refuses to start without its configured evidence and never offers {@code dev}. */
class EnclaveServerMainTest {
  @TempDir Path tmp;

  record Result(int exit, String err) {}

  Result run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new EnclaveServerMain());
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Result(exit, err.toString());
  }

  @Test
  void refusesToStartWhenTheConfiguredProviderIsUnavailable() {
    Result r = run("--evidence", "configfs-tsm", "--tsm-root", tmp.resolve("absent").toString(), "--state", tmp.resolve("state").toString(),
        "--port", "0");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("evidence provider configfs-tsm is unavailable").contains("does not exist");
    assertThat(tmp.resolve("state")).as("nothing is created before evidence is available").doesNotExist();
  }

  @Test
  void theInsecureDevProviderIsNotOffered() {
    Result r = run("--evidence", "dev", "--state", tmp.resolve("state").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--evidence 'dev' is not offered").contains("dev-enclave");
  }
}
