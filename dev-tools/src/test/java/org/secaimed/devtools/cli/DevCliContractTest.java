package org.secaimed.devtools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.enclave.server.keys.EnclaveKeys;
import picocli.CommandLine;

/** The developer's command tree (site commands + demo, dev-enclave, bench) under the shared CLI contract. */
class DevCliContractTest {
  @TempDir Path tmp;

  record Result(int exit, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    CommandLine cli = DevCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  static void walk(CommandLine cmd, List<String> prefix, List<CommandLine> into, List<List<String>> paths) {
    for (var e : cmd.getSubcommands().entrySet()) {
      List<String> p = new ArrayList<>(prefix);
      p.add(e.getKey());
      into.add(e.getValue());
      paths.add(p);
      walk(e.getValue(), p, into, paths);
    }
  }

  @Test
  void helpWorksOnEveryDevCommandToo() {
    List<CommandLine> cmds = new ArrayList<>();
    List<List<String>> paths = new ArrayList<>();
    walk(DevCli.commandLine(), List.of(), cmds, paths);
    assertThat(paths).contains(List.of("demo"), List.of("dev-enclave"), List.of("bench", "seg"), List.of("bench", "wado"));
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      Result r = run(args.toArray(String[]::new));
      assertThat(r.exit()).as("%s --help: %s", path, r.err()).isZero();
      assertThat(r.out()).as("%s --help", path).startsWith("Usage: secaimed " + String.join(" ", path));
    }
    assertThat(run("help", "bench", "seg").out()).startsWith("Usage: secaimed bench seg");
  }

  /** The command list shows a command's first description line: it must be a whole sentence. */
  @Test
  void commandSummariesAreWholeSentences() {
    List<CommandLine> cmds = new ArrayList<>();
    walk(DevCli.commandLine(), List.of(), cmds, new ArrayList<>());
    List<String> cut = new ArrayList<>();
    for (CommandLine c : cmds) {
      String[] d = c.getCommandSpec().usageMessage().description();
      String name = c.getCommandSpec().qualifiedName();
      if (d.length == 0) {
        cut.add(name + ": no description");
        continue;
      }
      String summary = d[0].strip();
      boolean dangling = summary.matches(".*([,:;]| and| or| to| next to)$");
      if (dangling || (d.length > 1 && !summary.endsWith("."))) cut.add(name + ": '" + summary + "'");
    }
    assertThat(cut).as("summaries cut mid-sentence (the first description line is the summary in the command list)").isEmpty();
  }

  // ---- dev-enclave (item 9) ----

  @Test
  void anInvalidPortIsAUsageErrorAndCreatesNothing() {
    Path state = tmp.resolve("state");
    Result r = run("dev-enclave", "--port", "70000", "--state", state.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--port").contains("0..65535").doesNotContain("Javalin").doesNotContain("Exception");
    assertThat(state).doesNotExist();
    assertThat(run("dev-enclave", "--kem-suite", "rsa", "--state", state.toString()).exit()).isEqualTo(2);
    assertThat(state).doesNotExist();
  }

  @Test
  void aSecondDevEnclaveOnTheSameStateIsRefused() throws Exception {
    Path state = tmp.resolve("state");
    DevEnclaveCommand first = new DevEnclaveCommand();
    first.lock(state);
    Result second = run("dev-enclave", "--port", "0", "--state", state.toString());
    assertThat(second.exit()).isEqualTo(1);
    assertThat(second.err()).contains("INSECURE").contains("in use");
  }

  @Test
  void aDifferentKemSuiteOnAnExistingStateIsRefusedNotIgnored() throws Exception {
    Path state = tmp.resolve("state");
    EnclaveKeys.loadOrCreate(Files.createDirectories(state.resolve("keys")), HpkeSuite.fromLabel("x25519-sha256-aes256gcm"));
    Result r = run("dev-enclave", "--port", "0", "--state", state.toString(), "--kem-suite", "xwing-sha256-aes256gcm");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("INSECURE").contains("x25519-sha256-aes256gcm").contains("--kem-suite");
    assertThat(DevEnclaveCommand.keySuite(state, null).label()).as("without --kem-suite the state's key is used")
        .isEqualTo("x25519-sha256-aes256gcm");
  }

  @Test
  void aPortInUseIsOneInsecureLineWithoutJavaTypes() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Result r = run("dev-enclave", "--port", String.valueOf(taken.getLocalPort()), "--state", tmp.resolve("s").toString());
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err().strip().lines()).allSatisfy(l -> assertThat(l).contains("INSECURE"));
      assertThat(r.err()).doesNotContain("Exception").doesNotContain("java.");
    }
  }
}
