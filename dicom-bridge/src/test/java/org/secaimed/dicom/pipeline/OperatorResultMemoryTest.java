package org.secaimed.dicom.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.seal.SealedArchive;
import org.secaimed.dicom.exchange.AlgorithmRef;
import org.secaimed.dicom.exchange.ResultPayload;
import org.secaimed.dicom.exchange.ResultPayloads;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.geometry.SyntheticSeries;
import org.secaimed.dicom.seg.CodedConcept;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.seg.SegmentationBuilder;
import org.secaimed.dicom.seg.SegmentationType;
import org.secaimed.dicom.volume.LabelVolume;

/**
 * Issue 16, operator memory: a sealed segmentation result whose label map (512x512x300 = 79 MB)
 * is larger than the operator's whole heap (-Xmx64m) is opened, checked and written back as a SEG
 * in a child JVM. The whole-volume path, which the pipeline took before, runs out of memory there;
 * the streaming path stores the SEG, byte-identical to the one the whole volume gives in this JVM.
 */
class OperatorResultMemoryTest {
  static final int COLUMNS = 512, ROWS = 512, SLICES = 300;
  static final String HEAP = "-Xmx64m";
  static final byte[] IKM = new byte[32];
  static final String BINDING = "operator-memory-test";

  @TempDir static Path tmp;
  static Path sealed;
  static LabelVolume labels;
  static List<SegmentDescription> segments;

  @BeforeAll
  static void sealAResultLargerThanTheChildsHeap() throws Exception {
    AssembledSeries series = SeriesAssembler.create().withPixels(false).addAll(SyntheticSeries.ctSlices(COLUMNS, ROWS, SLICES, 1.0)).assemble();
    byte[] lab = new byte[COLUMNS * ROWS * SLICES];
    // A body (1) with two organs (2, 3) of varying extent: every slice holds labels, most pixels are background.
    for (int k = 0; k < SLICES; k++) {
      for (int j = 0; j < ROWS; j++) {
        for (int i = 0; i < COLUMNS; i++) {
          double x = (i - 256) / 200.0, y = (j - 256) / 150.0, z = (k - 150) / 150.0;
          int v = x * x + y * y < 1 ? 1 : 0;
          if (v == 1 && (x + 0.4) * (x + 0.4) + y * y + z * z < 0.09) v = 2;
          if (v == 1 && (x - 0.4) * (x - 0.4) + y * y < 0.04 && k > 100) v = 3;
          lab[i + COLUMNS * (j + ROWS * k)] = (byte) v;
        }
      }
    }
    labels = new LabelVolume(series.geometry(), lab);
    segments = List.of(segment(1, "Body"), segment(2, "Left"), segment(3, "Right"));
    KemKeyPair site = KemKeyPair.derive(HpkeSuite.DEFAULT, IKM);
    sealed = tmp.resolve("result.sealed");
    try (OutputStream file = Files.newOutputStream(sealed);
        OutputStream sealing = SealedArchive.newSealingStream(file, site.publicKey(), BINDING.getBytes(StandardCharsets.UTF_8))) {
      ResultPayloads.write(new ResultPayload.Segmentation(new AlgorithmRef("ct-body-lungs-bone", "1.0.0", "sha256:" + "ab".repeat(32)),
          labels, segments, null, null, List.of()), sealing);
    }
  }

  static SegmentDescription segment(int n, String label) {
    return new SegmentDescription(n, label, CodedConcept.sct("123037004", "Anatomical Structure"), CodedConcept.sct("38266002", "Entire body"),
        null, SegmentDescription.AlgorithmType.AUTOMATIC, "test", new int[] {100, 100, 100});
  }

  private static Child runChild(String mode, Path out) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, HEAP, "-cp", System.getProperty("java.class.path"), OperatorResultPath.class.getName(),
        sealed.toString(), HexFormat.of().formatHex(IKM), BINDING, Integer.toString(COLUMNS), Integer.toString(ROWS),
        Integer.toString(SLICES), mode, out.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Child(p.exitValue(), output);
  }

  record Child(int exit, String output) {}

  @Test
  void theWholeVolumePathRunsOutOfMemoryAndLeavesNoSeg() throws Exception {
    Path out = tmp.resolve("whole");
    Child c = runChild("whole", out);
    assertThat(c.exit()).as(c.output()).isEqualTo(3);
    assertThat(c.output()).contains("out of memory");
    assertThat(Files.exists(out.resolve("seg.dcm"))).isFalse();
  }

  @Test
  void theStreamingPathStoresTheSameSegAsTheWholeVolumeInAHeapSmallerThanTheLabelMap() throws Exception {
    Path out = tmp.resolve("streamed");
    Child c = runChild("streamed", out);
    assertThat(c.exit()).as(c.output()).isZero();
    assertThat(c.output()).contains("stored");
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(f -> f.getFileName().toString())).as("no temporary file left").containsExactly("seg.dcm");
    }

    AssembledSeries series = SeriesAssembler.create().withPixels(false).addAll(SyntheticSeries.ctSlices(COLUMNS, ROWS, SLICES, 1.0)).assemble();
    Path reference = tmp.resolve("reference.dcm");
    SegmentationBuilder.forSource(series).type(SegmentationType.BINARY).labels(labels, segments)
        .algorithm("ct-body-lungs-bone", "1.0.0").uidSeed("secaimed|task|" + series.context().seriesInstanceUid())
        .contentDateTime(LocalDateTime.of(2026, 12, 7, 4, 0)).build().writeTo(reference);
    assertThat(Files.mismatch(out.resolve("seg.dcm"), reference)).as("first differing byte").isEqualTo(-1L);
  }
}
