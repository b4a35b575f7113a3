package org.secaimed.connector.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.secaimed.connector.io.AtomicFiles.Access;

class AtomicFilesTest {
  @TempDir Path dir;

  /** A caller's own checked exception, to show it passes through unwrapped. */
  static final class ContentRefused extends Exception {
    ContentRefused(String m) {
      super(m);
    }
  }

  @ParameterizedTest
  @EnumSource(Access.class)
  void aFailureMidWriteKeepsTheOldFileAndLeavesNoTemporaryFile(Access access) throws Exception {
    Path target = Files.writeString(dir.resolve("out.bin"), "old");
    assertThatThrownBy(() -> AtomicFiles.write(target, access, out -> {
      out.write(new byte[200_000]);
      out.flush();
      throw new IOException("disk full");
    })).isInstanceOf(IOException.class).hasMessage("disk full");
    assertThat(Files.readString(target)).isEqualTo("old");
    assertThat(names()).containsExactly("out.bin");
  }

  @Test
  void aCallersCheckedOrUncheckedExceptionPassesThroughAndCleansUp() throws Exception {
    Path target = dir.resolve("new.bin");
    assertThatThrownBy(() -> AtomicFiles.<ContentRefused>write(target, Access.SHARED, out -> {
      out.write(1);
      throw new ContentRefused("no");
    })).isInstanceOf(ContentRefused.class);
    assertThatThrownBy(() -> AtomicFiles.write(target, tmp -> {
      Files.write(tmp, new byte[10]);
      throw new IllegalStateException("bug");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(names()).isEmpty();
  }

  @Test
  void aWholeWriteReplacesTheTargetAndCreatesMissingFolders() throws Exception {
    Path target = dir.resolve("a/b/out.txt");
    AtomicFiles.write(target, "one".getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(target, Access.SHARED, out -> out.write("two".getBytes(StandardCharsets.UTF_8)));
    assertThat(Files.readString(target)).isEqualTo("two");
    try (Stream<Path> s = Files.list(target.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("out.txt");
    }
  }

  @Test
  void privateAndOwnerOnlyFilesAreOwnerOnlySharedOnesFollowTheUmask() throws Exception {
    AtomicFiles.write(dir.resolve("private"), new byte[1]);
    AtomicFiles.writeOwnerOnly(dir.resolve("key"), new byte[1]);
    AtomicFiles.write(dir.resolve("shared"), Access.SHARED, out -> out.write(1));
    Path plain = Files.createFile(dir.resolve("plain")); // what the umask gives any new file
    assertThat(mode("private")).isEqualTo("rw-------");
    assertThat(mode("key")).isEqualTo("rw-------");
    assertThat(mode("shared")).isEqualTo(mode(plain.getFileName().toString()));
  }

  private String mode(String name) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name)));
  }

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aFolderIsPublishedWholeAndNeverOverAnother() throws Exception {
    Path tmp = Files.createTempDirectory(dir, ".report.partial-");
    Files.writeString(tmp.resolve("a.json"), "{}");
    Path target = dir.resolve("report");
    AtomicFiles.publishFolder(tmp, target);
    assertThat(target.resolve("a.json")).hasContent("{}");
    Path again = Files.createTempDirectory(dir, ".report.partial-");
    assertThatThrownBy(() -> AtomicFiles.publishFolder(again, target)).isInstanceOf(IOException.class);
    assertThat(target.resolve("a.json")).hasContent("{}");
  }

  @Test
  void appendedLinesAccumulateInAnOwnerOnlyFileAndALineBreakInsideALineIsRefused() throws IOException {
    Path file = dir.resolve("store").resolve("inputs.jsonl");
    AtomicFiles.appendLine(file, "{\"a\":1}");
    AtomicFiles.appendLine(file, "{\"a\":2}");
    assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).containsExactly("{\"a\":1}", "{\"a\":2}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThatThrownBy(() -> AtomicFiles.appendLine(file, "one\ntwo")).isInstanceOf(IllegalArgumentException.class);
    assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).hasSize(2);
  }
}
