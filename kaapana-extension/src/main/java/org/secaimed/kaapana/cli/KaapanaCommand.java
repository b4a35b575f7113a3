package org.secaimed.kaapana.cli;

import picocli.CommandLine.Command;

/** Placeholder until issue #5 lands its implementation; it fails loudly rather than pretend. */
@Command(name = "kaapana", description = "Kaapana operator entry point and workflow triggers (not built yet: issue #5)")
public final class KaapanaCommand implements java.util.concurrent.Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("secaimed kaapana: not built yet (issue #5)");
    return SecaimedCli.EXIT_FAILED;
  }
}
