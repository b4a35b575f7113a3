package org.secaimed.kaapana.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.secaimed.kaapana.cli.SecaimedCli;

/**
 * What a site's operator image carries: its {@code /app/libs} is this module's runtime class path
 * (Jib), listed at build time into {@code target/runtime-dependencies.txt}. No enclave server, no
 * Javalin or Jetty, no development tooling; and the site's command line has no dev commands.
 * {@code OperatorImageIT} checks the same in the built image tar.
 */
class OperatorImageContentTest {
  /** Group/artifact prefixes a site never needs. */
  static final List<String> FORBIDDEN = List.of(
      "org.secaimed:enclave-server", "org.secaimed:dev-tools", "org.secaimed:dev-enclave",
      "io.javalin:", "org.eclipse.jetty", "org.eclipse.jetty.websocket", "org.jetbrains.kotlin:kotlin-stdlib-jdk8");

  static List<String> runtimeDependencies() throws IOException {
    Path list = Path.of(System.getProperty("secaimed.runtime.dependencies", "target/runtime-dependencies.txt"));
    assertThat(list).as("dependency list written by the build (maven-dependency-plugin list)").isRegularFile();
    return Files.readAllLines(list).stream().map(String::strip).filter(l -> l.matches("[\\w.\\-]+:[\\w.\\-]+:.*")).toList();
  }

  @Test
  void theRuntimeClassPathHasNoServerNoJettyAndNoDevTooling() throws IOException {
    List<String> deps = runtimeDependencies();
    assertThat(deps).as("the list is read").anyMatch(d -> d.startsWith("org.secaimed:enclave-connector:"));
    for (String forbidden : FORBIDDEN) {
      assertThat(deps).as("runtime dependencies of the operator image").noneMatch(d -> d.startsWith(forbidden));
    }
  }

  @Test
  void theSiteCommandLineHasNoDevCommands() {
    assertThat(SecaimedCli.commandLine().getSubcommands().keySet())
        .contains("kaapana", "attest", "receipt")
        .doesNotContain("demo", "dev-enclave", "bench");
  }

  @Test
  void noDevelopmentClassIsOnTheClassPath() {
    assertThatThrownBy(() -> Class.forName("org.secaimed.devtools.cli.DevCli")).isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(() -> Class.forName("org.secaimed.enclave.server.EnclaveServer")).isInstanceOf(ClassNotFoundException.class);
  }
}
