package org.secaimed.kaapana.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code secaimed help [COMMAND...]}: the help page of a command at any depth
 * ({@code secaimed help kaapana run}); picocli's own help command only looks one level down.
 */
@Command(name = "help", helpCommand = true, mixinStandardHelpOptions = true,
    description = "Show the help page of a command, e.g. 'secaimed help kaapana run'.")
public final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {
  @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "the command path, e.g. kaapana run")
  String[] path = new String[0];

  private CommandLine self;
  private CommandLine.Help.ColorScheme colors;
  private PrintWriter out;

  @Override
  public void init(CommandLine helpCommandLine, CommandLine.Help.ColorScheme colorScheme, PrintWriter out, PrintWriter err) {
    this.self = helpCommandLine;
    this.colors = colorScheme;
    this.out = out;
  }

  @Override
  public void run() {
    CommandLine target = self.getParent();
    if (target == null) return;
    for (String name : path) {
      CommandLine next = target.getSubcommands().get(name);
      if (next == null) {
        throw new CommandLine.ParameterException(self, "unknown command '" + name + "' under '"
            + target.getCommandSpec().qualifiedName() + "'; known: " + String.join(", ", target.getSubcommands().keySet()));
      }
      target = next;
    }
    target.usage(out, colors);
    out.flush();
  }
}
