package org.secaimed.kaapana.cli;

import picocli.CommandLine.Command;

/** Placeholder until issue #2 lands its implementation; it fails loudly rather than pretend. */
@Command(name = "seg", description = "SEG build+write time next to PixelMed IndexedLabelMapToSegmentation (not built yet: issue #2)")
public final class BenchSegCommand implements java.util.concurrent.Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("secaimed bench seg: not built yet (issue #2)");
    return SecaimedCli.EXIT_FAILED;
  }
}
