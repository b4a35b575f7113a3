package org.secaimed.kaapana.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.labelmap.LabelMapAlignment;
import org.secaimed.dicom.labelmap.LabelMapFiles;
import org.secaimed.dicom.volume.ImageGeometry;
import picocli.CommandLine;

class SegCommandTest {
  static Path data(String rel) {
    return Path.of(System.getProperty("secaimed.repo.root", ".")).resolve("../shared/testdata/dicom").resolve(rel).normalize();
  }

  record Run(int exit, String out, String err) {
    JsonNode json() throws Exception {
      assertThat(out.strip().lines().count()).as("exactly one line of JSON").isEqualTo(1);
      return JsonOutput.mapper().readTree(out);
    }
  }

  static Run run(String... args) {
    CommandLine cli = SecaimedCli.commandLine();
    StringWriter out = new StringWriter(), err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void fromLabelmapThenToLabelmapRoundTrips(@TempDir Path tmp) throws Exception {
    for (String type : new String[] {"binary", "fractional", "labelmap"}) {
      Path seg = tmp.resolve(type + ".dcm"), back = tmp.resolve(type + ".nii.gz");
      Run w = run("seg", "from-labelmap", "--series", data("ct-3slice-dcmqi").toString(),
          "--labelmap", data("ct-3slice-dcmqi/liver_spine_seg.nrrd").toString(),
          "--metadata", data("dcmqi-metadata/examples/seg-example_liver_spine.json").toString(),
          "--out", seg.toString(), "--type", type, "--seed", "t1", "--json");
      assertThat(w.exit()).as(w.err()).isZero();
      JsonNode j = w.json();
      assertThat(j.get("ok").asBoolean()).isTrue();
      assertThat(j.get("type").asText()).isEqualTo(type.toUpperCase());
      assertThat(j.get("segments")).hasSize(2);
      assertThat(Files.size(seg)).isEqualTo(j.get("bytes").asLong());

      Run r = run("seg", "to-labelmap", "--seg", seg.toString(), "--series", data("ct-3slice-dcmqi").toString(),
          "--out", back.toString(), "--json");
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.json().get("segments").get(0).get("voxels").asInt()).isEqualTo(36233 + 35645 + 35220);
      ImageGeometry g = SeriesAssembler.create().withPixels(false).addDirectory(data("ct-3slice-dcmqi")).assemble().geometry();
      assertThat(LabelMapAlignment.onto(LabelMapFiles.read(back), g).labels())
          .isEqualTo(LabelMapAlignment.onto(LabelMapFiles.read(data("ct-3slice-dcmqi/liver_spine_seg.nrrd")), g).labels());
    }
  }

  @Test
  void seededRetryWritesTheSameBytes(@TempDir Path tmp) throws Exception {
    byte[][] files = new byte[2][];
    for (int i = 0; i < 2; i++) {
      Path seg = tmp.resolve(i + ".dcm");
      Run w = run("seg", "from-labelmap", "--series", data("ct-24x38x3-dcmqi").toString(),
          "--labelmap", data("ct-24x38x3-dcmqi/label.nii.gz").toString(),
          "--metadata", data("dcmqi-metadata/examples/seg-example.json").toString(),
          "--out", seg.toString(), "--seed", "task-7", "--content-time", "2026-11-22T03:00:00");
      assertThat(w.exit()).as(w.err()).isZero();
      assertThat(w.out()).startsWith("wrote ");
      files[i] = Files.readAllBytes(seg);
    }
    assertThat(files[0]).isEqualTo(files[1]);
  }

  @Test
  void failuresAreTypedAndExitOne(@TempDir Path tmp) throws Exception {
    Run mismatch = run("seg", "from-labelmap", "--series", data("ct-3slice-dcmqi").toString(),
        "--labelmap", data("ct-24x38x3-dcmqi/label.nrrd").toString(),
        "--metadata", data("dcmqi-metadata/examples/seg-example.json").toString(), "--out", tmp.resolve("x.dcm").toString(), "--json");
    assertThat(mismatch.exit()).isEqualTo(1);
    assertThat(mismatch.json().path("error").path("code").asText()).isEqualTo("GEOMETRY_MISMATCH");
    assertThat(mismatch.json().path("error").path("field").asText()).isEqualTo("--labelmap");
    assertThat(tmp.resolve("x.dcm")).doesNotExist();
    try (var s = Files.list(tmp)) {
      assertThat(s.toList()).as("no partial file left behind").isEmpty();
    }
    Run irregular = run("seg", "to-labelmap", "--seg", data("ct-tiny4-pydicom/seg_image_ct_binary.dcm").toString(),
        "--series", data("ct-tiny4-pydicom").toString(), "--out", tmp.resolve("x.nrrd").toString());
    assertThat(irregular.exit()).isEqualTo(1);
    assertThat(irregular.err()).contains("IRREGULAR_SPACING");
  }

  @Test
  void badUsageExitsTwo() {
    assertThat(run("seg", "from-labelmap", "--series", "a", "--labelmap", "b", "--metadata", "c", "--out", "d", "--type", "bogus").exit())
        .isEqualTo(2);
    assertThat(run("seg", "to-labelmap", "--seg", "x").exit()).isEqualTo(2);
  }
}
