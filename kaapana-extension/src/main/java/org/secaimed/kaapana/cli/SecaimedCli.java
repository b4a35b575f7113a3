package org.secaimed.kaapana.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code secaimed} command line of a site: what the operator image runs. Exit codes: 0 ok,
 * 1 failed (or not verified), 2 usage. Each command group lives in its own class so that the
 * modules behind them stay independent. The developer's {@code ./secaimed} adds {@code demo},
 * {@code dev-enclave} and {@code bench} from the dev-tools module ({@code DevCli}). The shared
 * contract (help, errors, JSON envelope, converters) is applied by {@link CliContract}.
 */
@Command(
    name = "secaimed",
    mixinStandardHelpOptions = true,
    versionProvider = SecaimedCli.Version.class,
    description = "Run segmentation and training on Kaapana studies inside an attested enclave.",
    subcommands = {
      SegCommand.class,
      DicomCommand.class,
      AttestCommand.class,
      SealCommand.class,
      OpenCommand.class,
      KeygenCommand.class,
      ReceiptCommand.class,
      KaapanaCommand.class,
      ProviderCommand.class,
      ProvenanceCommand.class,
      HelpCommand.class,
      picocli.AutoComplete.GenerateCompletion.class
    })
public final class SecaimedCli implements Runnable {

  public static final int EXIT_OK = CliContract.EXIT_OK;
  public static final int EXIT_FAILED = CliContract.EXIT_FAILED;
  public static final int EXIT_USAGE = CliContract.EXIT_USAGE;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static CommandLine commandLine() {
    CommandLine cli = CliContract.configure(new CommandLine(new SecaimedCli()));
    // The completion script generator is a tool for packagers, not part of the everyday command list.
    cli.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(true);
    return cli;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = SecaimedCli.class.getPackage().getImplementationVersion();
      return new String[] {"secaimed " + (v == null ? "dev" : v)};
    }
  }
}
