package org.secaimed.kaapana.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code secaimed} command line of a site: what the operator image runs. Exit codes: 0 ok,
 * 1 failed (or not verified), 2 usage. Each command group lives in its own class so that the
 * modules behind them stay independent. The developer's {@code ./secaimed} adds {@code demo},
 * {@code dev-enclave} and {@code bench} from the dev-tools module ({@code DevCli}).
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
      CommandLine.HelpCommand.class
    })
public final class SecaimedCli implements Runnable {

  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new SecaimedCli());
    cli.setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException ? EXIT_USAGE : EXIT_FAILED);
    cli.setExecutionExceptionHandler(new FailureHandler());
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

  /** Prints a failure as one line naming its type and message; stack traces only with SECAIMED_DEBUG=1. */
  static final class FailureHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
      cmd.getErr().println(cmd.getCommandName() + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
      if ("1".equals(System.getenv("SECAIMED_DEBUG"))) e.printStackTrace(cmd.getErr());
      return EXIT_FAILED;
    }
  }
}
