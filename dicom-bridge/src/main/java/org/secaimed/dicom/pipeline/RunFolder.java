package org.secaimed.dicom.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** One run folder with its journal, and the steps this invocation found already done there. */
final class RunFolder {
  private final Path dir;
  private final RunJournal journal;
  private final List<String> resumed;

  private RunFolder(Path dir, RunJournal journal, List<String> resumed) {
    this.dir = dir;
    this.journal = journal;
    this.resumed = resumed;
  }

  static RunFolder open(Path dir, Clock clock) throws IOException {
    return new RunFolder(dir, RunJournal.open(dir, clock), new ArrayList<>());
  }

  /** A folder inside this one (a cohort's per-series uploads) that reports resumed steps into the same list. */
  RunFolder child(Path sub, Clock clock) throws IOException {
    return new RunFolder(sub, RunJournal.open(sub, clock), resumed);
  }

  Path dir() {
    return dir;
  }

  Path file(String name) {
    return dir.resolve(name);
  }

  RunJournal journal() {
    return journal;
  }

  void resumed(String step) {
    resumed.add(step);
  }

  List<String> resumedSteps() {
    return resumed;
  }
}
