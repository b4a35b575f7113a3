package org.secaimed.devtools.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Benchmarks that print figures next to a baseline measured in the same run. */
@Command(
    name = "bench",
    description = "Benchmarks: each prints our figures next to a baseline measured in the same run",
    subcommands = {BenchSealCommand.class, BenchSegCommand.class, BenchWadoCommand.class, BenchEnclaveCommand.class, BenchAttestCommand.class, BenchCohortCommand.class})
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a benchmark is required");
  }
}
