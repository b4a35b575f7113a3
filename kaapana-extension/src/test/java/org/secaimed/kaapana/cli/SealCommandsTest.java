package org.secaimed.kaapana.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code secaimed keygen / seal / open} in-process. */
class SealCommandsTest {
  @TempDir Path tmp;

  record Result(int exit, JsonNode json, String out, String err) {}

  static Result run(String... args) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SecaimedCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    String text = out.toString().strip();
    JsonNode json = text.startsWith("{") ? JsonOutput.mapper().readTree(text) : JsonOutput.mapper().createObjectNode();
    if (text.startsWith("{")) assertThat(text.lines().count()).as("--json prints exactly one object").isEqualTo(1);
    return new Result(exit, json, text, err.toString());
  }

  @Test
  void keygenSealOpenRoundTripWithBinding() throws Exception {
    Path priv = tmp.resolve("site.key.json"), pub = tmp.resolve("site.pub.json");
    Result k = run("keygen", "--suite", "x25519-sha256-aes256gcm", "--out-private", priv.toString(), "--out-public", pub.toString(), "--json");
    assertThat(k.exit()).isEqualTo(SecaimedCli.EXIT_OK);
    assertThat(k.json().path("keyId").asText()).hasSize(64);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv))).isEqualTo("rw-------");

    byte[] study = new byte[300_000];
    new Random(5).nextBytes(study);
    Path in = Files.write(tmp.resolve("study.bin"), study);
    Path sealed = tmp.resolve("study.sealed");
    Result s = run("seal", "--recipient", pub.toString(), "--in", in.toString(), "--out", sealed.toString(),
        "--binding", "task-1", "--chunk-size", "4096", "--json");
    assertThat(s.exit()).as(s.err()).isEqualTo(SecaimedCli.EXIT_OK);
    assertThat(s.json().path("plaintextBytes").asLong()).isEqualTo(study.length);
    assertThat(s.json().path("archiveBytes").asLong()).isEqualTo(Files.size(sealed));
    assertThat(s.json().path("recipientKeyId").asText()).isEqualTo(k.json().path("keyId").asText());

    Path opened = tmp.resolve("study.opened");
    Result o = run("open", "--key", priv.toString(), "--in", sealed.toString(), "--out", opened.toString(), "--binding", "task-1", "--json");
    assertThat(o.exit()).as(o.err()).isEqualTo(SecaimedCli.EXIT_OK);
    assertThat(Files.readAllBytes(opened)).isEqualTo(study);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(opened))).isEqualTo("rw-------");

    // Human output names what happened.
    Result human = run("open", "--key", priv.toString(), "--in", sealed.toString(), "--out", tmp.resolve("again").toString(), "--binding", "task-1");
    assertThat(human.out()).contains("300,000 bytes authenticated");
  }

  @Test
  void rejectedArchivesLeaveNoOutputAndNameTheReason() throws Exception {
    Path priv = tmp.resolve("k.json"), pub = tmp.resolve("p.json");
    run("keygen", "--out-private", priv.toString(), "--out-public", pub.toString());
    Path in = Files.write(tmp.resolve("in.bin"), new byte[100_000]);
    Path sealed = tmp.resolve("in.sealed");
    assertThat(run("seal", "--recipient", pub.toString(), "--in", in.toString(), "--out", sealed.toString(), "--binding-hex", "ab12").exit())
        .isZero();

    Path out = tmp.resolve("out.bin");
    Result wrongBinding = run("open", "--key", priv.toString(), "--in", sealed.toString(), "--out", out.toString(), "--binding", "ab12", "--json");
    assertThat(wrongBinding.exit()).isEqualTo(SecaimedCli.EXIT_FAILED);
    assertThat(wrongBinding.json().path("error").path("code").asText()).isEqualTo("WRONG_BINDING");

    byte[] damaged = Files.readAllBytes(sealed);
    damaged[damaged.length - 70_000] ^= 1; // inside a later chunk: earlier chunks open first
    Files.write(sealed, damaged);
    Result tampered = run("open", "--key", priv.toString(), "--in", sealed.toString(), "--out", out.toString(), "--binding-hex", "AB12", "--json");
    assertThat(tampered.exit()).isEqualTo(SecaimedCli.EXIT_FAILED);
    assertThat(tampered.json().path("error").path("code").asText()).isEqualTo("CHUNK_AUTH_FAILED");
    assertThat(out).doesNotExist();
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).as("no partial output left behind").noneMatch(n -> n.startsWith("."));
    }
    Result omitted = run("open", "--key", priv.toString(), "--in", sealed.toString(), "--out", out.toString());
    assertThat(omitted.exit()).isEqualTo(SecaimedCli.EXIT_FAILED);
    assertThat(omitted.err()).as("a left-out binding gets a hint").contains("WRONG_BINDING").contains("--binding");
    Result human = run("open", "--key", priv.toString(), "--in", sealed.toString(), "--out", out.toString(), "--binding-hex", "ab12");
    assertThat(human.err()).contains("CHUNK_AUTH_FAILED").contains("chunk");
  }

  @Test
  void usageErrorsExitTwo() throws Exception {
    Path pub = tmp.resolve("p.json");
    assertThat(run("keygen", "--suite", "rsa-4096", "--out-private", tmp.resolve("k").toString(), "--out-public", pub.toString()).exit())
        .isEqualTo(SecaimedCli.EXIT_USAGE);
    Path priv = tmp.resolve("k2.json");
    run("keygen", "--out-private", priv.toString(), "--out-public", pub.toString());
    assertThat(run("keygen", "--out-private", priv.toString(), "--out-public", pub.toString()).exit())
        .as("refusing to overwrite a private key is a run-time refusal, not a usage error").isEqualTo(SecaimedCli.EXIT_FAILED);
    assertThat(run("seal", "--recipient", pub.toString(), "--in", pub.toString(), "--out", tmp.resolve("o").toString(), "--chunk-size", "3").exit())
        .isEqualTo(SecaimedCli.EXIT_USAGE);
  }
}
