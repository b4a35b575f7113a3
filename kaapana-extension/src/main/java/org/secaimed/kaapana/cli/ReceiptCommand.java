package org.secaimed.kaapana.cli;

import picocli.CommandLine.Command;

/** Placeholder until issue #4 lands its implementation; it fails loudly rather than pretend. */
@Command(name = "receipt", description = "Verify task receipts and transparency-log proofs offline (not built yet: issue #4)")
public final class ReceiptCommand implements java.util.concurrent.Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("secaimed receipt: not built yet (issue #4)");
    return SecaimedCli.EXIT_FAILED;
  }
}
