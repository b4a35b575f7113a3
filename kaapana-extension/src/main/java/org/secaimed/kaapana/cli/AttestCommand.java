package org.secaimed.kaapana.cli;

import picocli.CommandLine.Command;

/** Placeholder until issue #3 lands its implementation; it fails loudly rather than pretend. */
@Command(name = "attest", description = "Verify attestation evidence and validate it against a policy (not built yet: issue #3)")
public final class AttestCommand implements java.util.concurrent.Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("secaimed attest: not built yet (issue #3)");
    return SecaimedCli.EXIT_FAILED;
  }
}
