package org.secaimed.tests.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.devtools.cli.DevCli;
import org.secaimed.kaapana.cli.SecaimedCli;
import picocli.CommandLine;

/** README's first command, through the real CLI: the demo's claims are checked by independent tools. */
class DemoCommandTest {

  @Test
  void demoSegmentsThePhantomVerifiesTheReceiptAndWritesAValidSeg(@TempDir Path out) throws Exception {
    CommandLine cli = DevCli.commandLine();
    StringWriter stdout = new StringWriter();
    cli.setOut(new PrintWriter(stdout));
    int exit = cli.execute("demo", "--out", out.toString(), "--slices", "24", "--size", "256", "--json");
    assertThat(exit).as(stdout.toString()).isZero();

    JsonNode j = new ObjectMapper().readTree(stdout.toString());
    assertThat(j.path("receiptVerified").asBoolean()).isTrue();
    assertThat(j.path("enclave").path("insecure").asBoolean()).isTrue();
    assertThat(j.path("dice").size()).isEqualTo(3);
    for (String structure : java.util.List.of("Body", "Lungs", "Bone")) {
      assertThat(j.path("dice").path(structure).asDouble()).as(structure).isGreaterThanOrEqualTo(0.95);
    }
    Path seg = Path.of(j.path("segPath").asText());
    assertThat(seg).exists();

    // dicom3tools' validator: zero errors.
    Process v = new ProcessBuilder("dciodvfy", seg.toString()).redirectErrorStream(true).start();
    String report = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    v.waitFor(60, TimeUnit.SECONDS);
    assertThat(report.lines().filter(l -> l.startsWith("Error")).toList()).as(report).isEmpty();

    // pydicom reads it as a SEG on the phantom's frame of reference.
    Process py = new ProcessBuilder(List.of("/usr/bin/python3", "-c",
        "import sys, pydicom; d = pydicom.dcmread(sys.argv[1]); "
            + "print(d.Modality, d.SegmentationType, len(d.SegmentSequence), d.NumberOfFrames)", seg.toString()))
        .redirectErrorStream(true).start();
    String line = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    py.waitFor(60, TimeUnit.SECONDS);
    assertThat(line).startsWith("SEG BINARY 3 ");

    // The receipt verifies offline with the CLI.
    StringWriter receiptOut = new StringWriter();
    CommandLine verify = SecaimedCli.commandLine();
    verify.setOut(new PrintWriter(receiptOut));
    // Anchored: the evidence kept with the receipt is re-verified under the policy the demo used.
    Path runPolicy = Path.of(j.path("receiptFile").asText()).resolveSibling("policy.yaml");
    int rc = verify.execute("receipt", "verify", j.path("receiptFile").asText(), "--policy", runPolicy.toString(), "--json");
    assertThat(rc).as(receiptOut.toString()).isZero();
    assertThat(receiptOut.toString()).contains("\"status\":\"VERIFIED\"", "\"samePolicyAsRun\":true");
    assertThat(Files.readString(Path.of(j.path("recordFile").asText()))).contains(j.path("taskId").asText());
  }

  /** Issue 12 item 6: "demo" then "demo --slices N" in one folder scored a stale 64-slice series against an N-slice truth. */
  @Test
  void aSecondDemoInTheSameFolderNeverReusesAStalePhantomNorDeletesUserFiles(@TempDir Path out) throws Exception {
    JsonNode first = demo(out, "12");
    Path mine = Files.writeString(Path.of(first.path("receiptFile").asText()).getParent().resolve("mine.txt"), "a user's notes");
    Path interrupted = Files.createDirectories(out.resolve(".ct-phantom-256x256x16.partial-1"));
    Files.write(interrupted.resolve("CT000001.dcm"), new byte[] {1});

    JsonNode second = demo(out, "16");
    assertThat(second.path("instances").asInt()).as("a fresh 16-slice phantom, not the 12-slice one").isEqualTo(16);
    assertThat(second.path("seriesDir").asText()).isNotEqualTo(first.path("seriesDir").asText());
    for (String structure : List.of("Body", "Lungs", "Bone")) {
      assertThat(second.path("dice").path(structure).asDouble()).as(structure).isGreaterThanOrEqualTo(0.95);
    }
    assertThat(mine).as("a file the demo did not write survives").hasContent("a user's notes");
    assertThat(Path.of(first.path("segPath").asText())).as("the first run's results stay").exists();
  }

  private static JsonNode demo(Path out, String slices) throws Exception {
    CommandLine cli = DevCli.commandLine();
    StringWriter stdout = new StringWriter();
    cli.setOut(new PrintWriter(stdout));
    int exit = cli.execute("demo", "--out", out.toString(), "--slices", slices, "--size", "256", "--json");
    assertThat(exit).as(stdout.toString()).isZero();
    JsonNode j = new ObjectMapper().readTree(stdout.toString());
    assertThat(j.path("ok").asBoolean()).isTrue();
    return j;
  }
}
