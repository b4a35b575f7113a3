package org.secaimed.tests.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.kaapana.cli.SecaimedCli;
import org.secaimed.tests.servers.OrthancServer;
import picocli.CommandLine;

/** {@code secaimed dicom push|pull} end to end against a real Orthanc, over DICOMweb and DIMSE. */
class DicomCliTest {
  @RegisterExtension static final OrthancServer PACS = OrthancServer.builder().aeTitle("CLIPACS").build();

  record Run(int exit, String out, String err) {
    JsonNode json() throws Exception {
      return new ObjectMapper().readTree(out);
    }
  }

  static Run run(String... args) {
    CommandLine cli = SecaimedCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void pushThenPullOverDicomWebRoundTripsTheSeries(@TempDir Path tmp) throws Exception {
    Path src = tmp.resolve("src");
    Files.createDirectories(src);
    List<Path> ct = TestSeries.images("ct-tiny4-pydicom");
    for (Path f : ct) Files.copy(f, src.resolve(f.getFileName()));
    Files.writeString(src.resolve("notes.txt"), "not DICOM");

    Run push = run("dicom", "push", "--dicomweb", PACS.dicomWebUrl(), src.toString(), "--json");
    assertThat(push.exit()).as(push.err()).isZero();
    assertThat(push.json().get("stored").asInt()).isEqualTo(4);
    assertThat(push.json().get("skippedNonDicom").get(0).asText()).isEqualTo("notes.txt");

    Path out = tmp.resolve("out");
    String study = TestSeries.studyUid(ct.get(0));
    String series = TestSeries.seriesUid(ct.get(0));
    Run pull = run("dicom", "pull", "--dicomweb", PACS.dicomWebUrl(), "--study", study, "--series", series, "--out", out.toString(), "--json");
    assertThat(pull.exit()).as(pull.err()).isZero();
    assertThat(pull.json().get("instances").asInt()).isEqualTo(4);
    assertThat(pull.json().get("transferSyntaxes").has("1.2.840.10008.1.2.1")).isTrue();
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList())
          .containsExactlyInAnyOrderElementsOf(ct.stream().map(f -> TestSeries.sopUid(f) + ".dcm").toList());
    }
  }

  @Test
  void pushAndPullOverDimse(@TempDir Path tmp) throws Exception {
    Path src = tmp.resolve("src");
    Files.createDirectories(src);
    List<Path> ct = TestSeries.images("ct-3slice-dcmqi");
    for (Path f : ct) Files.copy(f, src.resolve(f.getFileName()));
    String hostPort = "127.0.0.1:" + PACS.dicomPort();

    Run push = run("dicom", "push", "--dimse", hostPort, "--aet", "SECAIMEDCLI", "--aec", PACS.aeTitle(), src.toString(), "--json");
    assertThat(push.exit()).as(push.err()).isZero();
    assertThat(push.json().get("stored").asInt()).isEqualTo(3);

    Path out = tmp.resolve("out");
    Run pull = run("dicom", "pull", "--dimse", hostPort, "--aet", "SECAIMEDCLI", "--aec", PACS.aeTitle(),
        "--study", TestSeries.studyUid(ct.get(0)), "--series", TestSeries.seriesUid(ct.get(0)), "--out", out.toString(), "--json");
    assertThat(pull.exit()).as(pull.err()).isZero();
    assertThat(pull.json().get("instances").asInt()).isEqualTo(3);
  }

  @Test
  void pullOfAnUnknownSeriesFailsWithExitOne(@TempDir Path tmp) {
    Run r = run("dicom", "pull", "--dicomweb", PACS.dicomWebUrl(), "--study", "1.2.3", "--series", "1.2.3.4", "--out", tmp.toString());
    assertThat(r.exit()).isEqualTo(SecaimedCli.EXIT_FAILED);
    assertThat(r.err()).doesNotContain("Exception").contains("404");
  }

  @Test
  void usageErrorsExitTwoWithAClearMessage(@TempDir Path tmp) {
    Run both = run("dicom", "push", "--dicomweb", "http://x", "--dimse", "h:1", "--aec", "A", tmp.toString());
    assertThat(both.exit()).isEqualTo(SecaimedCli.EXIT_USAGE);
    assertThat(both.err()).contains("exactly one of --dicomweb");

    Run longAe = run("dicom", "push", "--dimse", "127.0.0.1:104", "--aet", "kp-a-very-long-dataset", "--aec", "KAAPANA", tmp.toString());
    assertThat(longAe.exit()).isEqualTo(SecaimedCli.EXIT_USAGE);
    assertThat(longAe.err()).contains("--aet").contains("22 characters").contains("not truncated");

    Run badUid = run("dicom", "pull", "--dicomweb", "http://x", "--study", "1.2.abc", "--out", tmp.toString());
    assertThat(badUid.exit()).isEqualTo(SecaimedCli.EXIT_USAGE);
    assertThat(badUid.err()).contains("--study");
  }
}
