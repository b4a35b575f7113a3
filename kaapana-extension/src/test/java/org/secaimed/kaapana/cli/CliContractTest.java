package org.secaimed.kaapana.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The shared command-line contract (docs/cli.md) on every command: help, exit codes 0/1/2,
 * usage errors as one line and a hint, failures without Java internals, one JSON envelope.
 */
class CliContractTest {
  @TempDir Path tmp;

  record Result(int exit, String out, String err) {
    JsonNode json() throws Exception {
      assertThat(out.strip().lines().count()).as("--json prints exactly one line: " + out).isEqualTo(1);
      return JsonOutput.mapper().readTree(out);
    }
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SecaimedCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  /** Every command path below the root, e.g. [kaapana, run]. */
  static List<List<String>> commandPaths() {
    List<List<String>> paths = new ArrayList<>();
    collect(SecaimedCli.commandLine(), new ArrayList<>(), paths);
    return paths;
  }

  private static void collect(CommandLine cmd, List<String> prefix, List<List<String>> into) {
    for (var e : cmd.getSubcommands().entrySet()) {
      if (!e.getKey().equals(e.getValue().getCommandName())) continue; // an alias
      List<String> path = new ArrayList<>(prefix);
      path.add(e.getKey());
      into.add(path);
      collect(e.getValue(), path, into);
    }
  }

  // ---- 1. help ----

  @Test
  void helpWorksOnEveryCommandAndSubcommand() {
    List<List<String>> paths = commandPaths();
    assertThat(paths).hasSizeGreaterThan(15);
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      Result r = run(args.toArray(String[]::new));
      assertThat(r.exit()).as("%s --help: %s", path, r.err()).isZero();
      assertThat(r.out()).as("%s --help", path).startsWith("Usage: secaimed " + String.join(" ", path));
      assertThat(run(path.get(0).equals("help") ? new String[] {"help", "help"} : concat("help", path)).out())
          .as("help %s shows the same page", path).isEqualTo(r.out());
    }
  }

  @Test
  void helpFindsNestedCommands() {
    Result r = run("help", "kaapana", "run");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("Usage: secaimed kaapana run");
    Result unknown = run("help", "kaapana", "fly");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown command 'fly'").contains("run, trigger, status");
  }

  private static String[] concat(String first, List<String> rest) {
    List<String> all = new ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return all.toArray(String[]::new);
  }

  // ---- 2. exit codes ----

  @Test
  void usageMistakesExitTwo() {
    assertThat(run("kaapana", "trigger", "--dag", "d", "--series", "1.2.3").exit()).as("no Kaapana URL").isEqualTo(2);
    assertThat(run("attest", "verify-evidence", "--format", "snp", "--evidence", "x").exit()).as("unknown format").isEqualTo(2);
    assertThat(run("kaapana", "status", "run-1", "--timeout", "soon").exit()).as("bad duration").isEqualTo(2);
    assertThat(run("seal", "--recipient", "a", "--in", "b", "--out", "c", "--chunk-size", "0").exit()).as("range").isEqualTo(2);
    assertThat(run("seal", "--recipient", "a", "--in", "b", "--out", "c", "--threads", "0").exit()).as("range").isEqualTo(2);
  }

  @Test
  void runTimeRefusalsAndMissingInputsExitOne() throws Exception {
    Path priv = tmp.resolve("k.json"), pub = tmp.resolve("p.json");
    assertThat(run("keygen", "--out-private", priv.toString(), "--out-public", pub.toString()).exit()).isZero();
    Result again = run("keygen", "--out-private", priv.toString(), "--out-public", pub.toString());
    assertThat(again.exit()).as("refusing to overwrite a private key").isEqualTo(1);
    assertThat(again.err()).doesNotContain("Usage:");
    assertThat(run("seal", "--recipient", pub.toString(), "--in", tmp.resolve("nope").toString(), "--out", tmp.resolve("o").toString()).exit())
        .isEqualTo(1);
    assertThat(run("receipt", "verify", tmp.resolve("nope.json").toString()).exit()).isEqualTo(1);
    assertThat(run("attest", "verify-evidence", "--format", "sgx", "--evidence", tmp.resolve("nope.dat").toString()).exit()).isEqualTo(1);
  }

  // ---- 3. messages without Java internals ----

  @Test
  void aUsageErrorIsOneLineAndOneHint() {
    Result r = run("seal", "--recipient", "a", "--in", "b", "--out", "c", "--chunk-size", "0");
    assertThat(r.err().strip().lines()).containsExactly(
        "secaimed seal: --chunk-size: must be 16..67108864, got 0",
        "Try 'secaimed seal --help' for more information.");
    Result missing = run("kaapana", "trigger");
    assertThat(missing.err().strip().lines()).hasSize(2);
    assertThat(missing.err()).contains("--dag").contains("--series").doesNotContain("Usage:");
  }

  @Test
  void failuresNameOptionsAndFilesNotJavaTypes() throws Exception {
    Path priv = tmp.resolve("k.json"), pub = tmp.resolve("p.json");
    run("keygen", "--out-private", priv.toString(), "--out-public", pub.toString());
    Path binary = tmp.resolve("plain.bin");
    byte[] noise = new byte[4096];
    new Random(1).nextBytes(noise);
    Files.write(binary, noise);

    Result folder = run("seal", "--recipient", pub.toString(), "--in", tmp.toString(), "--out", tmp.resolve("o").toString());
    assertThat(folder.err()).contains("--in").contains("is a folder").doesNotContain("no such file");
    Result outFolder = run("seal", "--recipient", pub.toString(), "--in", binary.toString(), "--out", tmp.toString());
    assertThat(outFolder.err()).contains("--out").contains("is a folder").doesNotContain(".part");
    Result notAKey = run("seal", "--recipient", binary.toString(), "--in", binary.toString(), "--out", tmp.resolve("o").toString());
    assertThat(notAKey.exit()).isEqualTo(1);
    assertThat(notAKey.err()).doesNotContain("Input length").doesNotContain("Exception");

    Result at = run("attest", "verify-evidence", "--format", "sgx", "--evidence", binary.toString(), "--at", "yesterday");
    assertThat(at.err()).contains("--at").contains("2023-06-20").doesNotContain("java.").doesNotContain("Exception");
    Result evidenceDir = run("attest", "verify-evidence", "--format", "sgx", "--evidence", tmp.toString());
    assertThat(evidenceDir.err()).contains("--evidence").contains("is a folder").doesNotContain("Exception");
    Path yaml = Files.writeString(tmp.resolve("p.yaml"), "policyVersion: 1\nallowedFormats: [sgx, 7: 8]\n");
    Result badPolicy = run("attest", "verify-evidence", "--format", "sgx", "--evidence", binary.toString(), "--policy", yaml.toString());
    assertThat(badPolicy.exit()).isEqualTo(1);
    assertThat(badPolicy.err()).contains(yaml.toString()).doesNotContain("reference chain").doesNotContain("org.secaimed");

    Result receipt = run("receipt", "verify", binary.toString(), "--json");
    assertThat(receipt.json().path("error").path("code").asText()).isEqualTo("MALFORMED");
    assertThat(receipt.json().path("error").path("message").asText()).doesNotContain("Source:").doesNotContain("StreamReadFeature");
    Result noReceipt = run("receipt", "verify", tmp.resolve("nope.json").toString(), "--json");
    assertThat(noReceipt.json().path("error").path("code").asText()).as("missing is not malformed").isEqualTo("NOT_FOUND");

    Result noMetadata = run("seg", "from-labelmap", "--series", tmp.toString(), "--labelmap", binary.toString(),
        "--metadata", tmp.resolve("nometa.json").toString(), "--out", tmp.resolve("s.dcm").toString(), "--json");
    assertThat(noMetadata.json().path("error").path("code").asText()).isEqualTo("NOT_FOUND");
    assertThat(noMetadata.json().path("error").path("field").asText()).isEqualTo("--metadata");
  }

  @Test
  void libraryMessagesAreCleaned() {
    assertThat(ErrorReport.clean("JavalinException: java.lang.IllegalArgumentException: port out of range:70000"))
        .isEqualTo("port out of range:70000");
    assertThat(ErrorReport.clean("bad value (through reference chain: org.secaimed.X$Document[\"a\"]->java.util.ArrayList[1])"))
        .isEqualTo("bad value");
    assertThat(ErrorReport.of(new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException("/x/y"))).message())
        .isEqualTo("no such file or folder: /x/y");
    assertThat(ErrorReport.of(new java.nio.file.FileSystemException("/d/.x.123.part", "/d/x", "Is a directory")).message())
        .isEqualTo("/d/x: Is a directory");
  }

  // ---- 5. one JSON envelope ----

  @Test
  void usageErrorsUnderJsonAreTheEnvelope() throws Exception {
    JsonNode j = run("seal", "--recipient", "a", "--in", "b", "--out", "c", "--chunk-size", "0", "--json").json();
    assertThat(j.path("ok").asBoolean(true)).isFalse();
    assertThat(j.path("error").path("code").asText()).isEqualTo("USAGE");
    assertThat(j.path("error").path("field").asText()).isEqualTo("--chunk-size");
    assertThat(j.path("error").path("message").asText()).contains("16..67108864");
    JsonNode unknown = run("keygen", "--bogus", "--json").json();
    assertThat(unknown.path("error").path("code").asText()).isEqualTo("USAGE");
  }

  @Test
  void aMissingRequiredOptionIsTheErrorField() throws Exception {
    JsonNode j = run("attest", "verify-evidence", "--format", "snp", "--json").json();
    assertThat(j.path("error").path("code").asText()).isEqualTo("USAGE");
    assertThat(j.path("error").path("field").asText()).isEqualTo("--evidence");
  }

  /** Picocli's default label is the Java field name (e.g. {@code --dag=<dagId>}); labels must read as words. */
  @Test
  void optionLabelsAreNotJavaFieldNames() {
    List<String> camel = new ArrayList<>();
    for (List<String> path : commandPaths()) {
      CommandLine cmd = SecaimedCli.commandLine();
      for (String name : path) cmd = cmd.getSubcommands().get(name);
      for (var o : cmd.getCommandSpec().options()) {
        if (o.arity().max() > 0 && o.paramLabel().matches("<?[a-z]+[A-Z].*")) camel.add(String.join(" ", path) + " " + o.longestName() + "=" + o.paramLabel());
      }
    }
    assertThat(camel).isEmpty();
  }

  @Test
  void successAndFailureShareTheEnvelope() throws Exception {
    Path priv = tmp.resolve("k.json"), pub = tmp.resolve("p.json");
    JsonNode ok = run("keygen", "--out-private", priv.toString(), "--out-public", pub.toString(), "--json").json();
    assertThat(ok.fieldNames().next()).isEqualTo("ok");
    assertThat(ok.path("ok").asBoolean()).isTrue();
    assertThat(ok.has("error")).isFalse();
    JsonNode refused = run("keygen", "--out-private", priv.toString(), "--out-public", pub.toString(), "--json").json();
    assertThat(refused.path("ok").asBoolean(true)).isFalse();
    assertThat(refused.path("error").path("code").asText()).isEqualTo("EXISTS");
    assertThat(refused.path("error").path("field").asText()).isEqualTo("--out-private");
  }

  // ---- 10. units and durations ----

  @Test
  void durationsAcceptHumanFormsAndIso() {
    assertThat(Converters.duration("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(Converters.duration("30m")).isEqualTo(Duration.ofMinutes(30));
    assertThat(Converters.duration("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Converters.duration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Converters.duration("PT2H")).isEqualTo(Duration.ofHours(2));
    assertThat(Converters.duration("PT0.01S")).isEqualTo(Duration.ofMillis(10));
    for (String bad : List.of("", "2", "h", "2x", "2h3", "-1h")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Converters.duration(bad)).as(bad)
          .isInstanceOf(CommandLine.TypeConversionException.class);
    }
  }

  @Test
  void sizesAreBinaryUnitsEverywhere() {
    assertThat(Units.bytes(512)).isEqualTo("512 B");
    assertThat(Units.bytes(5_000_000)).isEqualTo("4.8 MiB");
    assertThat(Units.bytes(1L << 30)).isEqualTo("1.00 GiB");
  }
}
