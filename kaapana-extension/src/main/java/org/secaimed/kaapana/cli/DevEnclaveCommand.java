package org.secaimed.kaapana.cli;

import picocli.CommandLine.Command;

/** Placeholder until issue #4 lands its implementation; it fails loudly rather than pretend. */
@Command(name = "dev-enclave", description = "Run the INSECURE development enclave gateway (not built yet: issue #4)")
public final class DevEnclaveCommand implements java.util.concurrent.Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("secaimed dev-enclave: not built yet (issue #4)");
    return SecaimedCli.EXIT_FAILED;
  }
}
