package org.secaimed.devtools.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.devtools.phantom.PhantomSeries;

/** A demo never reuses a stale or half-written phantom and never deletes files it did not write. */
class DemoWorkspaceTest {
  @TempDir Path out;

  static PhantomSeries phantom(int slices) {
    return new PhantomSeries(CtPhantom.builder().size(64, 64, slices).seed(1).build());
  }

  static long count(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".dcm")).count();
    }
  }

  @Test
  void differentParametersNeverShareAPhantom() throws Exception {
    DemoWorkspace ws = new DemoWorkspace(out);
    Path a = ws.phantom(phantom(8), "ct-phantom-64x64x8");
    Path b = ws.phantom(phantom(12), "ct-phantom-64x64x12");
    assertThat(a).isNotEqualTo(b);
    assertThat(count(a)).isEqualTo(8);
    assertThat(count(b)).isEqualTo(12);
    assertThat(ws.phantom(phantom(8), "ct-phantom-64x64x8")).as("a verified phantom is reused").isEqualTo(a);
  }

  @Test
  void aHalfWrittenPhantomIsNeverUsed() throws Exception {
    // What an interrupted run leaves: a hidden partial folder with some slices, never the final name.
    Path partial = Files.createDirectories(out.resolve(".ct-phantom-64x64x8.partial-123"));
    Files.write(partial.resolve("CT000001.dcm"), new byte[10]);
    Path dir = new DemoWorkspace(out).phantom(phantom(8), "ct-phantom-64x64x8");
    assertThat(count(dir)).isEqualTo(8);
    assertThat(partial).doesNotExist();
  }

  @Test
  void aChangedOrForeignPhantomFolderIsRefusedAndLeftAlone() throws Exception {
    DemoWorkspace ws = new DemoWorkspace(out);
    Path dir = ws.phantom(phantom(8), "ct-phantom-64x64x8");
    Path mine = Files.writeString(dir.resolve("mine.txt"), "a user's file");
    assertThatThrownBy(() -> ws.phantom(phantom(8), "ct-phantom-64x64x8")).isInstanceOf(DemoWorkspace.NotOursException.class)
        .hasMessageContaining("mine.txt");
    assertThat(mine).exists();
    Files.delete(mine);
    Files.write(dir.resolve("CT000003.dcm"), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> ws.phantom(phantom(8), "ct-phantom-64x64x8")).hasMessageContaining("CT000003.dcm").hasMessageContaining("changed");
    Path foreign = Files.createDirectories(out.resolve("ct-phantom-64x64x12"));
    Files.writeString(foreign.resolve("CT000001.dcm"), "old");
    assertThatThrownBy(() -> ws.phantom(phantom(12), "ct-phantom-64x64x12")).hasMessageContaining("not written by this demo");
    assertThat(foreign.resolve("CT000001.dcm")).hasContent("old");
  }

  @Test
  void eachRunGetsItsOwnFolderAndOldRunsStay() throws Exception {
    DemoWorkspace ws = new DemoWorkspace(out);
    Path first = ws.newRun();
    Path mine = Files.writeString(Files.createDirectories(first.resolve("run")).resolve("mine.txt"), "keep");
    Path second = ws.newRun();
    assertThat(second).isNotEqualTo(first);
    assertThat(mine).hasContent("keep");
    try (Stream<Path> s = Files.list(second)) {
      assertThat(s).isEmpty();
    }
  }
}
