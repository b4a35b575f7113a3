package org.secaimed.devtools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.devtools.bench.LinkBenchmark.LinkPath;

/**
 * The harness behind {@code bench enclave --link-mbps N --transfer-syntax jpeg-ls} on a small
 * phantom: every path segments the same study to the same labels (JPEG-LS too: dcmcjpls encodes
 * losslessly and the enclave's decoder reads it back voxel for voxel), and every figure is reported.
 */
class LinkBenchmarkTest {
  @TempDir Path work;

  @Test
  void fourPathsOverTheLinkAgreeVoxelForVoxelAndReportJpegLsNextToThePlaintextBaseline() throws Exception {
    List<String> log = new ArrayList<>();
    LinkBenchmark.Report r = LinkBenchmark.run(work, 64, 12, HpkeSuite.X25519, 64 << 10, 1, List.of(1000), null, true, log::add);

    LinkBenchmark.LinkReport l = r.links().get(0);
    assertThat(l.identicalLabels()).isTrue();
    assertThat(l.medians()).containsOnlyKeys(LinkPath.values());
    assertThat(l.roundRatios()).containsOnlyKeys(LinkPath.PLAINTEXT_COMPRESSED, LinkPath.CONFIDENTIAL_COMPRESSED, LinkPath.CONFIDENTIAL_JPEG_LS);
    assertThat(l.medianRatio(LinkPath.CONFIDENTIAL_JPEG_LS)).isPositive().isFinite();
    assertThat(r.jpegLs().ratioToArchive()).isGreaterThan(1);
    assertThat(r.jpegLs().archiveBytes()).isLessThan(r.archiveBytes());
    assertThat(r.jpegLs().decode().jpegLsParseSeconds()).isPositive();
    assertThat(log).anyMatch(s -> s.contains("confidential JPEG-LS"));
  }

  @Test
  void withoutDcmcjplsTheJpegLsOptionIsRefusedNamingThePackage() {
    assertThatThrownBy(() -> JpegLsStudy.requireTool("/nonexistent-dir"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("dcmcjpls").hasMessageContaining("dcmtk");
  }
}
