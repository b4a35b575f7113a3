package org.secaimed.kaapana.cli;

import picocli.CommandLine.Command;

/** Placeholder until issue #4 lands its implementation; it fails loudly rather than pretend. */
@Command(name = "enclave", description = "End-to-end overhead of the confidential path over the same pipeline unsealed (not built yet: issue #4)")
public final class BenchEnclaveCommand implements java.util.concurrent.Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("secaimed bench enclave: not built yet (issue #4)");
    return SecaimedCli.EXIT_FAILED;
  }
}
