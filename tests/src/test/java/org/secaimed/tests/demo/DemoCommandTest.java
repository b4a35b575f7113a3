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
    int rc = verify.execute("receipt", "verify", j.path("receiptFile").asText(), "--json");
    assertThat(rc).as(receiptOut.toString()).isZero();
    assertThat(Files.readString(Path.of(j.path("recordFile").asText()))).contains(j.path("taskId").asText());
  }
}
