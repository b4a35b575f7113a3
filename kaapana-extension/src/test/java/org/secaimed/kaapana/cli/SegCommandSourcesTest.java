package org.secaimed.kaapana.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.secaimed.kaapana.cli.SegCommandTest.data;
import static org.secaimed.kaapana.cli.SegCommandTest.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.labelmap.LabelMapAlignment;
import org.secaimed.dicom.labelmap.LabelMapFiles;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.kaapana.cli.SegCommandTest.Run;

/**
 * `seg from-labelmap` / `to-labelmap` on sources as PACS keep them (issue 11): JPEG-LS and JPEG
 * lossless series (made by dcmtk into a temp dir), and a folder holding several series.
 */
class SegCommandSourcesTest {
  static final String CT3_SERIES = "1.2.392.200103.20080913.113635.1.2009.6.22.21.43.10.23430.1";

  @Test
  void jpegLsAndJpegLosslessSeriesRoundTripExactlyAndValidate(@TempDir Path tmp) throws Exception {
    ImageGeometry g = SeriesAssembler.create().withPixels(false).addDirectory(data("ct-3slice-dcmqi")).assemble().geometry();
    byte[] expected = LabelMapAlignment.onto(LabelMapFiles.read(data("ct-3slice-dcmqi/liver_spine_seg.nrrd")), g).labels();
    for (String[] codec : new String[][] {{"dcmcjpls"}, {"dcmcjpeg", "+e1"}}) {
      Path series = tmp.resolve(codec[0]);
      convert(data("ct-3slice-dcmqi"), series, codec);
      for (String type : new String[] {"binary", "labelmap"}) {
        Path seg = tmp.resolve(codec[0] + "-" + type + ".dcm"), back = tmp.resolve(codec[0] + "-" + type + ".nrrd");
        Run w = run("seg", "from-labelmap", "--series", series.toString(),
            "--labelmap", data("ct-3slice-dcmqi/liver_spine_seg.nrrd").toString(),
            "--metadata", data("dcmqi-metadata/examples/seg-example_liver_spine.json").toString(),
            "--out", seg.toString(), "--type", type, "--json");
        assertThat(w.exit()).as(w.out() + w.err()).isZero();
        if (type.equals("binary")) assertThat(dciodvfyErrors(seg)).as(codec[0]).isEmpty();
        Run r = run("seg", "to-labelmap", "--seg", seg.toString(), "--series", series.toString(), "--out", back.toString(), "--json");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(LabelMapAlignment.onto(LabelMapFiles.read(back), g).labels()).as(codec[0] + " " + type).isEqualTo(expected);
      }
    }
  }

  @Test
  void severalSeriesInOneFolderAreListedAndChosenByUid(@TempDir Path tmp) throws Exception {
    Path folder = tmp.resolve("study");
    Files.createDirectories(folder);
    for (String f : new String[] {"01.dcm", "02.dcm", "03.dcm"}) Files.copy(data("ct-3slice-dcmqi/" + f), folder.resolve(f));
    Files.copy(data("single-pydicom/CT_small.dcm"), folder.resolve("CT_small.dcm"));
    String[] common = {"--labelmap", data("ct-3slice-dcmqi/liver_seg.nrrd").toString(),
        "--metadata", data("dcmqi-metadata/examples/seg-example.json").toString(), "--json"};
    Run refused = run(concat(new String[] {"seg", "from-labelmap", "--series", folder.toString(), "--out", tmp.resolve("a.dcm").toString()},
        common));
    assertThat(refused.exit()).isEqualTo(1);
    JsonNode e = refused.json();
    assertThat(e.path("error").path("code").asText()).isEqualTo("MIXED_SERIES");
    assertThat(e.path("error").path("field").asText()).isEqualTo("--series");
    assertThat(e.path("error").path("message").asText()).contains(CT3_SERIES + " (CT, 3 instances")
        .contains("1.3.6.1.4.1.5962.1.3.1.1.20040119072730.12322 (CT, 1 instance").contains("--series-uid");
    assertThat(Files.exists(tmp.resolve("a.dcm"))).isFalse();

    Path seg = tmp.resolve("b.dcm");
    Run ok = run(concat(new String[] {"seg", "from-labelmap", "--series", folder.toString(), "--series-uid", CT3_SERIES,
        "--out", seg.toString()}, common));
    assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.json().get("sourceSeriesInstanceUid").asText()).isEqualTo(CT3_SERIES);
    // to-labelmap needs no --series-uid: it takes the series the SEG references.
    Files.copy(seg, folder.resolve("seg.dcm"));
    Run back = run("seg", "to-labelmap", "--seg", seg.toString(), "--series", folder.toString(), "--out", tmp.resolve("b.nii.gz").toString(),
        "--json");
    assertThat(back.exit()).as(back.out() + back.err()).isZero();
    assertThat(back.json().get("segments").get(0).get("voxels").asInt()).isEqualTo(107098);
  }

  @Test
  void rawDatasetsAreReadAndSaidSo(@TempDir Path tmp) throws Exception {
    Path series = tmp.resolve("raw");
    convert(data("ct-24x38x3-dcmqi"), series, "dcmconv", "-F", "+ti");
    Run w = run("seg", "from-labelmap", "--series", series.toString(), "--labelmap", data("ct-24x38x3-dcmqi/label.nrrd").toString(),
        "--metadata", data("dcmqi-metadata/examples/seg-example.json").toString(), "--out", tmp.resolve("s.dcm").toString(), "--json");
    assertThat(w.exit()).as(w.out() + w.err()).isZero();
    assertThat(w.json().get("notes").get(0).asText()).contains("3 file(s) without a Part 10 header were read as raw datasets");
  }

  @Test
  void groupedKaapanaSegInfoNeedsAndTakesATask(@TempDir Path tmp) throws Exception {
    String[] args = {"seg", "from-labelmap", "--series", data("ct-3slice-dcmqi").toString(),
        "--labelmap", data("ct-3slice-dcmqi/liver_seg.nrrd").toString(),
        "--metadata", data("kaapana-seg-info/total_segmentator_seg_info_lookup.json").toString(),
        "--code-table", data("kaapana-seg-info/code_lookup_table.json").toString(), "--algorithm", "TotalSegmentator",
        "--out", tmp.resolve("s.dcm").toString(), "--json"};
    Run without = run(args);
    assertThat(without.exit()).isEqualTo(1);
    assertThat(without.json().path("error").path("message").asText()).contains("--task").contains("total, lung_vessels");
    // The task's labels are read (Kaapana's code table has no codes for these two: a typed refusal naming them).
    Run with = run(concat(args, new String[] {"--task", "liver_vessels"}));
    assertThat(with.json().path("error").path("code").asText()).isEqualTo("UNRESOLVED_CODE");
    assertThat(with.json().path("error").path("message").asText()).contains("[liver_vessels, liver_tumor]");
    Run unknown = run(concat(args, new String[] {"--task", "nope"}));
    assertThat(unknown.json().path("error").path("message").asText()).contains("no task 'nope'");
  }

  static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static void convert(Path from, Path to, String... tool) throws Exception {
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(from)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".dcm") && !p.getFileName().toString().startsWith("seg")).sorted().toList()) {
        List<String> cmd = new ArrayList<>(List.of(tool));
        cmd.add(p.toString());
        cmd.add(to.resolve(p.getFileName()).toString());
        exec(cmd);
      }
    }
  }

  static List<String> dciodvfyErrors(Path file) throws Exception {
    return exec(List.of("dciodvfy", file.toString())).lines().filter(l -> l.startsWith("Error")).toList();
  }

  private static String exec(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + cmd.get(0));
    }
    if (p.exitValue() != 0 && !cmd.get(0).equals("dciodvfy")) throw new IOException(cmd.get(0) + " failed: " + out);
    return out;
  }
}
