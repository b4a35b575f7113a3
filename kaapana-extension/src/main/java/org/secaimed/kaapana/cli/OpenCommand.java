package org.secaimed.kaapana.cli;

import picocli.CommandLine.Command;

/** Placeholder until issue #3 lands its implementation; it fails loudly rather than pretend. */
@Command(name = "open", description = "Open a sealed file with the recipient's private key (not built yet: issue #3)")
public final class OpenCommand implements java.util.concurrent.Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("secaimed open: not built yet (issue #3)");
    return SecaimedCli.EXIT_FAILED;
  }
}
