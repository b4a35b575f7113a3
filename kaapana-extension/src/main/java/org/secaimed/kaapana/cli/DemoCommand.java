package org.secaimed.kaapana.cli;

import picocli.CommandLine.Command;

/** Placeholder until issue #5 lands its implementation; it fails loudly rather than pretend. */
@Command(name = "demo", description = "Run the whole pipeline on a generated CT phantom against the in-process dev enclave (not built yet: issue #5)")
public final class DemoCommand implements java.util.concurrent.Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("secaimed demo: not built yet (issue #5)");
    return SecaimedCli.EXIT_FAILED;
  }
}
