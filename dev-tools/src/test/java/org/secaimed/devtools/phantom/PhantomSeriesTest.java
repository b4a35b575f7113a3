package org.secaimed.devtools.phantom;

import static org.assertj.core.api.Assertions.assertThat;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.seg.SegmentationReader;
import org.secaimed.dicom.seg.SegmentationType;

class PhantomSeriesTest {

  @Test
  void sameSeedGivesIdenticalBytesAndAnotherSeedDoesNot() {
    PhantomSeries a = new PhantomSeries(CtPhantom.builder().size(64, 64, 6).seed(5).build());
    PhantomSeries b = new PhantomSeries(CtPhantom.builder().size(64, 64, 6).seed(5).build());
    PhantomSeries c = new PhantomSeries(CtPhantom.builder().size(64, 64, 6).seed(6).build());
    assertThat(a.instance(3)).isEqualTo(b.instance(3));
    assertThat(a.instance(3)).isNotEqualTo(c.instance(3));
    assertThat(a.seriesInstanceUid()).isEqualTo(b.seriesInstanceUid()).isNotEqualTo(c.seriesInstanceUid());
  }

  @Test
  void writesAValidCtSeriesThatAssemblesBackToThePhantomVolume(@TempDir Path dir) throws Exception {
    CtPhantom phantom = CtPhantom.builder().size(96, 80, 12).seed(9).build();
    PhantomSeries series = new PhantomSeries(phantom);
    List<Path> files = series.writeTo(dir);
    assertThat(files).hasSize(12);
    List<AttributeList> lists = new ArrayList<>();
    for (Path f : files) {
      AttributeList l = new AttributeList();
      l.read(f.toString());
      lists.add(l);
    }
    SeriesAssembler assembler = SeriesAssembler.create();
    AttributeList first = lists.get(0);
    assertThat(Attribute.getSingleStringValueOrEmptyString(first, TagFromName.SOPClassUID)).isEqualTo("1.2.840.10008.5.1.4.1.1.2");
    assertThat(Attribute.getSingleStringValueOrEmptyString(first, TagFromName.TransferSyntaxUID)).isEqualTo("1.2.840.10008.1.2.1");
    assertThat(Attribute.getSingleIntegerValueOrDefault(first, TagFromName.PixelRepresentation, -1)).isEqualTo(1);
    assertThat(Attribute.getSingleStringValueOrEmptyString(first, TagFromName.FrameOfReferenceUID)).isEqualTo(series.frameOfReferenceUid());
    java.util.Collections.reverse(lists); // order must not matter
    for (AttributeList l : lists) assembler.add(l, "test");
    AssembledSeries loaded = assembler.assemble();
    var g = loaded.volume().geometry();
    var want = phantom.geometry();
    assertThat(g.columns()).isEqualTo(96);
    assertThat(g.rows()).isEqualTo(80);
    assertThat(g.slices()).isEqualTo(12);
    assertThat(g.spacing()).containsExactly(want.spacing(), org.assertj.core.data.Offset.offset(1e-6));
    assertThat(g.origin()).containsExactly(want.origin(), org.assertj.core.data.Offset.offset(1e-6));
    assertThat(g.sliceDirection()).containsExactly(0.0, 0.0, 1.0);
    assertThat(loaded.volume().voxels()).isEqualTo(phantom.image().voxels());
    assertThat(loaded.frames().stream().map(f -> f.sopInstanceUid()).toList()).containsExactly(
        java.util.stream.IntStream.range(0, 12).mapToObj(series::sopInstanceUid).toArray(String[]::new));
    assertThat(Files.list(dir).filter(p -> p.getFileName().toString().endsWith(".part"))).isEmpty();
  }

  @Test
  void groundTruthSegReadsBackOntoTheSeriesAsTheTruthLabels(@TempDir Path dir) throws Exception {
    CtPhantom phantom = CtPhantom.builder().size(64, 64, 10).seed(4).build();
    PhantomSeries series = new PhantomSeries(phantom);
    series.writeTo(dir);
    AssembledSeries assembled = SeriesAssembler.fromDirectory(dir);
    for (SegmentationType type : new SegmentationType[] {SegmentationType.BINARY, SegmentationType.LABELMAP}) {
      Path seg = dir.resolve("truth-" + type + ".seg");
      Files.write(seg, series.groundTruthSeg(type));
      var onSeries = SegmentationReader.read(seg, assembled);
      assertThat(onSeries.toLabelVolume().labels()).as(type.toString()).isEqualTo(phantom.truth().labels());
      assertThat(onSeries.segments()).extracting(d -> d.type().value()).containsExactly("38266002", "39607008", "272673000");
      Files.delete(seg);
    }
  }

  @Test
  void dciodvfyFindsNoErrorInASliceOrTheGroundTruthSeg(@TempDir Path dir) throws Exception {
    PhantomSeries series = new PhantomSeries(CtPhantom.builder().size(64, 64, 6).seed(1).build());
    Path ct = dir.resolve("ct.dcm"), seg = dir.resolve("truth.seg");
    Files.write(ct, series.instance(2));
    Files.write(seg, series.groundTruthSeg(SegmentationType.BINARY));
    for (Path f : List.of(ct, seg)) {
      Process p = new ProcessBuilder("dciodvfy", f.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      p.waitFor();
      assertThat(out.lines().filter(l -> l.startsWith("Error"))).as(f.getFileName() + ":\n" + out).isEmpty();
    }
  }

  @Test
  void hasTheTissuesOfAChestAtTheirHounsfieldValues() {
    CtPhantom phantom = CtPhantom.builder().size(128, 128, 30).seed(2).noiseHu(0).build();
    CtPhantom.Slice mid = phantom.slice(15);
    double[] sum = new double[4];
    long[] n = new long[4];
    for (int i = 0; i < mid.hu().length; i++) {
      sum[mid.labels()[i]] += mid.hu()[i];
      n[mid.labels()[i]]++;
    }
    assertThat(n[1]).isPositive();
    assertThat(n[2]).isPositive();
    assertThat(n[3]).isPositive();
    assertThat(sum[2] / n[2]).isBetween(-900.0, -700.0); // lung (with vessels and blur)
    assertThat(sum[3] / n[3]).isGreaterThan(300.0); // bone
    assertThat(sum[1] / n[1]).isBetween(-200.0, 100.0); // soft tissue and fat
  }
}
