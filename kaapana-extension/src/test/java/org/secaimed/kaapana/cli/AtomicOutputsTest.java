package org.secaimed.kaapana.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13: the CLI's output files go through the one atomic-write helper; a failure part-way leaves the old file and nothing else. */
class AtomicOutputsTest {
  @TempDir Path tmp;

  @Test
  void aPullThatBreaksMidInstanceKeepsTheOldFileAndLeavesNoPartialOne() throws Exception {
    Path target = Files.writeString(tmp.resolve("1.2.3.dcm"), "old");
    InputStream broken = new SequenceInputStream(new ByteArrayInputStream(new byte[300_000]), new InputStream() {
      @Override public int read() throws IOException {
        throw new IOException("connection reset");
      }
    });
    assertThatThrownBy(() -> DicomCommand.writeAtomically(broken, target)).hasMessage("connection reset");
    assertThat(Files.readString(target)).isEqualTo("old");
    assertThat(names()).containsExactly("1.2.3.dcm");

    assertThat(DicomCommand.writeAtomically(new ByteArrayInputStream(new byte[1234]), target)).isEqualTo(1234);
    assertThat(Files.size(target)).isEqualTo(1234);
    assertThat(names()).containsExactly("1.2.3.dcm");
  }

  @Test
  void aSealWhoseInputFailsKeepsTheOldArchiveAndLeavesNoPartialOne() throws Exception {
    Path pub = tmp.resolve("p.json");
    SealCommandsTest.run("keygen", "--out-private", tmp.resolve("k.json").toString(), "--out-public", pub.toString());
    Path out = Files.writeString(tmp.resolve("x.sealed"), "old");
    // Readable and a regular file to the checks before, yet every read fails (EIO): the input breaks after the header.
    Path unreadable = Path.of("/proc/self/mem");
    SealCommandsTest.Result r = SealCommandsTest.run("seal", "--recipient", pub.toString(), "--in", unreadable.toString(),
        "--out", out.toString(), "--json");
    assertThat(r.exit()).isEqualTo(SecaimedCli.EXIT_FAILED);
    assertThat(Files.readString(out)).isEqualTo("old");
    assertThat(names()).containsExactlyInAnyOrder("k.json", "p.json", "x.sealed");
  }

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }
}
