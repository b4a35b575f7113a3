package org.secaimed.kaapana.cli;

import picocli.CommandLine.Command;

/** Placeholder until issue #3 lands its implementation; it fails loudly rather than pretend. */
@Command(name = "seal", description = "Seal and open throughput next to openssl speed (not built yet: issue #3)")
public final class BenchSealCommand implements java.util.concurrent.Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("secaimed bench seal: not built yet (issue #3)");
    return SecaimedCli.EXIT_FAILED;
  }
}
