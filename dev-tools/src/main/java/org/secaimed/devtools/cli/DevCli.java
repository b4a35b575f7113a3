package org.secaimed.devtools.cli;

import org.secaimed.kaapana.cli.CliContract;
import org.secaimed.kaapana.cli.SecaimedCli;
import picocli.CommandLine;

/**
 * The developer's {@code secaimed} ({@code ./secaimed}): every command a site has
 * ({@link SecaimedCli}) plus the development tooling: {@code demo}, {@code dev-enclave} (INSECURE)
 * and {@code bench}. The operator image runs {@link SecaimedCli} and carries none of these.
 */
public final class DevCli {
  private DevCli() {}

  public static CommandLine commandLine() {
    CommandLine cli = SecaimedCli.commandLine();
    CommandLine help = cli.getSubcommands().get("help");
    cli.getCommandSpec().removeSubcommand("help"); // keep "help" last in the list
    cli.addSubcommand(new DemoCommand());
    cli.addSubcommand(new DevEnclaveCommand());
    cli.addSubcommand(new BenchCommand());
    if (help != null) cli.addSubcommand("help", help);
    // Settings reach only the subcommands present when they are set: apply the contract again for ours.
    return CliContract.configure(cli);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
