package org.secaimed.kaapana.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Usage mistakes (exit 2) tied to the option they are about, so the JSON envelope can name the
 * {@code field}, and the common checks on option values that every command repeats.
 */
public final class Usage {
  private Usage() {}

  /** "{@code option}: {@code message}" as a usage error about that option. */
  public static ParameterException error(CommandSpec spec, String option, String message) {
    OptionSpec o = option == null ? null : spec.findOption(option);
    String text = option == null ? message : option + ": " + message;
    return new ParameterException(spec.commandLine(), text, o, null);
  }

  public static ParameterException error(CommandSpec spec, String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** An integer option inside {@code min..max}. */
  public static int range(CommandSpec spec, String option, int value, int min, int max) {
    if (value < min || value > max) throw error(spec, option, "must be " + min + ".." + max + ", got " + value);
    return value;
  }

  /**
   * An input file that must exist and be a regular file. A missing file is a runtime failure (exit
   * 1, code NOT_FOUND): the command line was well-formed, the world was not as expected.
   */
  public static Path inputFile(String option, Path file) {
    if (Files.isDirectory(file)) throw new CliFailure("IS_A_FOLDER", option + ": " + file + " is a folder, not a file", option);
    if (!Files.exists(file)) throw new CliFailure("NOT_FOUND", option + ": no such file: " + file, option);
    if (!Files.isReadable(file)) throw new CliFailure("ACCESS_DENIED", option + ": cannot read " + file + " (permission denied)", option);
    return file;
  }

  /** An input folder that must exist. */
  public static Path inputFolder(String option, Path dir) {
    if (!Files.exists(dir)) throw new CliFailure("NOT_FOUND", option + ": no such folder: " + dir, option);
    if (!Files.isDirectory(dir)) throw new CliFailure("NOT_A_FOLDER", option + ": " + dir + " is a file, not a folder", option);
    return dir;
  }

  /** An output file path: not an existing folder (checked before any work starts). */
  public static Path outputFile(String option, Path file) {
    if (Files.isDirectory(file)) throw new CliFailure("IS_A_FOLDER", option + ": " + file + " is a folder; give a file name", option);
    return file;
  }

  /** The matched {@code --json} flag of the command being run, whatever the command calls its field. */
  static boolean wantsJson(CommandLine.ParseResult parsed) {
    CommandLine.ParseResult leaf = parsed;
    while (leaf.subcommand() != null) leaf = leaf.subcommand();
    return leaf.hasMatchedOption("--json") && Boolean.TRUE.equals(leaf.matchedOptionValue("--json", false));
  }
}
