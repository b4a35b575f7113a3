package org.secaimed.kaapana.cli;

import picocli.CommandLine.Command;

/** Placeholder until issue #2 lands its implementation; it fails loudly rather than pretend. */
@Command(name = "wado", description = "WADO-RS pull throughput next to curl, and peak heap (not built yet: issue #2)")
public final class BenchWadoCommand implements java.util.concurrent.Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("secaimed bench wado: not built yet (issue #2)");
    return SecaimedCli.EXIT_FAILED;
  }
}
