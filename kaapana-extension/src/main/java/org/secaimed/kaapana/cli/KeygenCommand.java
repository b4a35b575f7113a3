package org.secaimed.kaapana.cli;

import picocli.CommandLine.Command;

/** Placeholder until issue #3 lands its implementation; it fails loudly rather than pretend. */
@Command(name = "keygen", description = "Generate an HPKE key pair (not built yet: issue #3)")
public final class KeygenCommand implements java.util.concurrent.Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("secaimed keygen: not built yet (issue #3)");
    return SecaimedCli.EXIT_FAILED;
  }
}
