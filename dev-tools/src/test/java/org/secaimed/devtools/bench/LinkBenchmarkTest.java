package org.secaimed.devtools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
  void everyPathOverTheLinkAgreesVoxelForVoxelAndReportsJpegLsNextToThePlaintextBaseline() throws Exception {
    List<String> log = new ArrayList<>();
    LinkBenchmark.Report r = LinkBenchmark.run(work, 64, 12, HpkeSuite.X25519, 64 << 10, 1, List.of(1000), null, true, log::add);

    LinkBenchmark.LinkReport l = r.links().get(0);
    assertThat(l.identicalLabels()).isTrue();
    assertThat(l.medians()).containsOnlyKeys(LinkPath.values());
    assertThat(l.roundRatios()).containsOnlyKeys(LinkPath.PLAINTEXT_COMPRESSED, LinkPath.CONFIDENTIAL_COMPRESSED,
        LinkPath.CONFIDENTIAL_UPLOAD_FIRST, LinkPath.CONFIDENTIAL_JPEG_LS);
    // The judged confidential path streams: its tasks named an upload in progress; "upload first" named blobs.
    List<String> inputs = new ArrayList<>();
    try (var tasks = Files.list(work.resolve("enclave-state/tasks"))) {
      for (Path t : tasks.filter(p -> p.toString().endsWith(".json")).toList()) {
        String json = Files.readString(t);
        int at = json.indexOf("\"inputs\"");
        inputs.add(json.substring(at, json.indexOf(']', at)));
      }
    }
    assertThat(inputs).anyMatch(i -> i.contains("upl-")).anyMatch(i -> i.contains("sha256:"));
    assertThat(l.medianRatio(LinkPath.CONFIDENTIAL_JPEG_LS)).isPositive().isFinite();
    assertThat(r.jpegLs().ratioToArchive()).isGreaterThan(1);
    assertThat(r.jpegLs().archiveBytes()).isLessThan(r.archiveBytes());
    assertThat(r.jpegLs().decode().jpegLsParseSeconds()).isPositive();
    assertThat(log).anyMatch(s -> s.contains("confidential JPEG-LS"));

    // What the confidential paths uploaded: the zstd path as the product seals studies (byte
    // planes, content encoding 2; the bench used to seal with plain zstd, encoding 1), the
    // JPEG-LS path without compression (format version 1). Plaintext blobs carry no header.
    List<Integer> encodings = new ArrayList<>();
    try (var blobs = Files.list(work.resolve("enclave-state/blobs"))) {
      for (Path b : blobs.toList()) {
        byte[] head = new byte[32];
        try (var in = Files.newInputStream(b)) {
          if (in.readNBytes(head, 0, head.length) < head.length) continue;
        }
        if (!new String(head, 0, 8, StandardCharsets.US_ASCII).equals("SCM-SEAL")) continue;
        encodings.add(head[8] == 1 ? 0 : head[8 + 1 + 2 + 2 + 2 + 4] & 0xFF);
      }
    }
    assertThat(encodings).contains(0, 2).doesNotContain(1);
  }

  @Test
  void withoutDcmcjplsTheJpegLsOptionIsRefusedNamingThePackage() {
    assertThatThrownBy(() -> JpegLsStudy.requireTool("/nonexistent-dir"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("dcmcjpls").hasMessageContaining("dcmtk");
  }
}
