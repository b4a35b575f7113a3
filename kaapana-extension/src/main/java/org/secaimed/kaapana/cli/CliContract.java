package org.secaimed.kaapana.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The command-line contract every {@code secaimed} command shares (docs/cli.md), applied once to
 * the whole command tree instead of per command:
 *
 * <ul>
 *   <li>{@code -h/--help} and {@code -V/--version} on every command and subcommand;
 *   <li>exit codes: 0 ok, 1 failed or refused at run time, 2 usage;
 *   <li>a usage error is one line plus one hint line, never the full help page;
 *   <li>a run-time failure is one line without Java internals, or with {@code --json} one envelope
 *       ({@link JsonOutput}) on standard output;
 *   <li>durations as {@code 2h}, {@code 30m}, {@code 1h30m} or ISO-8601 {@code PT2H}.
 * </ul>
 */
public final class CliContract {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  private CliContract() {}

  public static CommandLine configure(CommandLine root) {
    standardHelpEverywhere(root);
    root.setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException ? EXIT_USAGE : EXIT_FAILED);
    root.setExecutionExceptionHandler(CliContract::failure);
    root.setParameterExceptionHandler(CliContract::usageError);
    root.registerConverter(Duration.class, Converters::duration);
    root.registerConverter(Instant.class, Converters::instant);
    root.registerConverter(LocalDateTime.class, Converters::localDateTime);
    return root;
  }

  /** Adds the help and version options to any command that does not declare them itself. */
  static void standardHelpEverywhere(CommandLine cmd) {
    CommandSpec spec = cmd.getCommandSpec();
    if (spec.findOption("--help") == null && !spec.helpCommand()) {
      spec.mixinStandardHelpOptions(true);
    }
    if (spec.versionProvider() == null && spec.version().length == 0) spec.versionProvider(new SecaimedCli.Version());
    for (CommandLine sub : cmd.getSubcommands().values()) standardHelpEverywhere(sub);
  }

  /** A run-time failure: exit 1, one line on stderr, or the JSON envelope under {@code --json}. */
  static int failure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    ErrorReport report = ErrorReport.of(e);
    if (parsed != null && Usage.wantsJson(parsed)) {
      JsonOutput.failed(cmd.getOut(), report, Map.of());
    } else {
      PrintWriter err = cmd.getErr();
      err.println(cmd.getCommandSpec().qualifiedName() + ": " + report.line());
      err.flush();
    }
    if ("1".equals(System.getenv("SECAIMED_DEBUG"))) e.printStackTrace(cmd.getErr());
    return EXIT_FAILED;
  }

  /** A usage mistake: exit 2, the message and one hint line (or the JSON envelope under --json). */
  static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    ErrorReport report = ErrorReport.usage(e);
    if (Arrays.asList(args).contains("--json")) {
      JsonOutput.failed(cmd.getOut(), report, Map.of());
      return EXIT_USAGE;
    }
    PrintWriter err = cmd.getErr();
    String name = cmd.getCommandSpec().qualifiedName();
    err.println(name + ": " + report.message());
    if (e instanceof CommandLine.UnmatchedArgumentException u) CommandLine.UnmatchedArgumentException.printSuggestions(u, err);
    err.println("Try '" + name + " --help' for more information.");
    err.flush();
    return EXIT_USAGE;
  }
}
