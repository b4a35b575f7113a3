package org.secaimed.kaapana.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * The command reference in docs/cli.md, rendered from the command model itself (every command's
 * help page), so the documentation cannot drift from the code: a test compares the two and
 * rewrites the section when asked to ({@code SECAIMED_UPDATE_DOCS=1}).
 */
public final class CliReference {
  public static final String BEGIN = "<!-- BEGIN GENERATED: command reference, from the command model; do not edit by hand -->";
  public static final String END = "<!-- END GENERATED: command reference -->";
  /** Wide enough for option descriptions, fixed so the text does not depend on the terminal. */
  static final int WIDTH = 110;

  private CliReference() {}

  /** Every command's help page, root first, depth first, in declaration order. */
  public static String render(CommandLine root) {
    List<CommandLine> all = new ArrayList<>();
    collect(root, all);
    StringBuilder md = new StringBuilder();
    for (CommandLine c : all) {
      if (c.getCommandSpec().usageMessage().hidden()) continue;
      c.getCommandSpec().usageMessage().width(WIDTH);
      md.append("### `").append(c.getCommandSpec().qualifiedName()).append("`\n\n```text\n");
      md.append(c.getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing()).append("\n```\n\n");
    }
    return md.toString();
  }

  private static void collect(CommandLine cmd, List<CommandLine> into) {
    into.add(cmd);
    for (var e : cmd.getSubcommands().entrySet()) {
      if (e.getKey().equals(e.getValue().getCommandName())) collect(e.getValue(), into);
    }
  }

  /** {@code doc} with the text between the markers replaced by {@code reference}. */
  public static String splice(String doc, String reference) {
    int b = doc.indexOf(BEGIN), e = doc.indexOf(END);
    if (b < 0 || e < b) throw new IllegalArgumentException("docs/cli.md has no generated-reference markers");
    return doc.substring(0, b + BEGIN.length()) + "\n\n" + reference + doc.substring(e);
  }

  /** The text currently between the markers. */
  public static String section(String doc) {
    int b = doc.indexOf(BEGIN), e = doc.indexOf(END);
    if (b < 0 || e < b) throw new IllegalArgumentException("docs/cli.md has no generated-reference markers");
    return doc.substring(b + BEGIN.length(), e).strip();
  }
}
