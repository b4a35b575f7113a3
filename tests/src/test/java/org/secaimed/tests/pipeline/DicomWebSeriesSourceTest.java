package org.secaimed.tests.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.dicom.pipeline.DicomWebSeriesSource;
import org.secaimed.dicom.pipeline.PipelineException;
import org.secaimed.dicom.seg.SegmentationType;
import org.secaimed.dicom.web.DicomWebClient;
import org.secaimed.dicom.web.StowRequest;
import org.secaimed.tests.servers.OrthancServer;

/**
 * The operator's source against a real PACS: Kaapana hands over only series UIDs, so the study is
 * found by QIDO-RS, the series streamed by WADO-RS, and for training/evaluation the SEGs that
 * reference the series found among the study's SEG series.
 */
class DicomWebSeriesSourceTest {
  static OrthancServer orthanc;
  static PhantomSeries withTruth;
  static PhantomSeries withoutTruth;
  static byte[] truthSeg;

  @BeforeAll
  static void loadPacs(@TempDir Path dir) throws Exception {
    orthanc = OrthancServer.builder().build().start();
    withTruth = new PhantomSeries(CtPhantom.builder().size(64, 64, 6).seed(41).build());
    withoutTruth = new PhantomSeries(CtPhantom.builder().size(64, 64, 6).seed(42).build());
    truthSeg = withTruth.groundTruthSeg(SegmentationType.BINARY);
    StowRequest.Builder stow = StowRequest.builder();
    for (Path f : withTruth.writeTo(dir.resolve("a"))) stow.addFile(f);
    for (Path f : withoutTruth.writeTo(dir.resolve("b"))) stow.addFile(f);
    stow.addBytes(truthSeg, "truth-seg");
    assertThat(client().store(stow.build()).allStored()).isTrue();
  }

  @AfterAll
  static void stop() {
    if (orthanc != null) orthanc.close();
  }

  static DicomWebClient client() {
    return DicomWebClient.builder(orthanc.dicomWebUrl()).build();
  }

  @Test
  void streamsTheSeriesAndFindsOnlyTheSegsThatReferenceIt() throws Exception {
    DicomWebSeriesSource source = new DicomWebSeriesSource(client());
    assertThat(source.studyOf(withTruth.seriesInstanceUid())).isEqualTo(withTruth.studyInstanceUid());

    List<String> instances = new ArrayList<>();
    source.forEachInstance(withTruth.seriesInstanceUid(), (uid, bytes) -> instances.add(uid));
    List<String> expected = new ArrayList<>();
    for (int k = 0; k < withTruth.size(); k++) expected.add(withTruth.sopInstanceUid(k));
    assertThat(instances).containsExactlyInAnyOrderElementsOf(expected);

    List<byte[]> segs = new ArrayList<>();
    source.forEachReferencingSeg(withTruth.seriesInstanceUid(), (uid, bytes) -> segs.add(bytes));
    assertThat(segs).hasSize(1);
    assertThat(segs.get(0)).isEqualTo(truthSeg);

    List<String> none = new ArrayList<>();
    source.forEachReferencingSeg(withoutTruth.seriesInstanceUid(), (uid, bytes) -> none.add(uid));
    assertThat(none).isEmpty();
  }

  @Test
  void anUnknownSeriesIsATypedErrorNamingIt() {
    String unknown = "2.25.123456789";
    assertThatThrownBy(() -> new DicomWebSeriesSource(client()).forEachInstance(unknown, (uid, bytes) -> {}))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining(unknown)
        .hasMessageContaining("no such series");
  }
}
