package org.secaimed.kaapana.cli;

import org.secaimed.connector.FailureMessages;
import org.secaimed.connector.SecaimedFailure;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * What went wrong, as a user reads it: a stable code, a message without Java internals (class
 * names, Jackson reference chains, charset decoder jargon), and the option it concerns. Every
 * command's failures go through {@link #of}, so text output and the {@code --json} envelope agree.
 */
public record ErrorReport(String code, String message, String field) {

  public static final String USAGE = "USAGE";

  /** Codes whose message already says it all; a library's reason code is shown before its message. */
  private static final java.util.Set<String> PLAIN_CODES = java.util.Set.of("FAILED", "IO", USAGE, "NOT_FOUND", "EXISTS",
      "ACCESS_DENIED", "NOT_A_FOLDER", "IS_A_FOLDER", "NOT_EMPTY", "NOT_TEXT", "UNREACHABLE", "TIMEOUT", "MALFORMED");

  /** The one line a person reads: "WRONG_BINDING: archive is bound to ..." or just the message. */
  public String line() {
    return PLAIN_CODES.contains(code) ? message : code + ": " + message;
  }

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("code", code);
    m.put("message", message);
    m.put("field", field);
    return m;
  }

  /** A usage mistake (exit 2); the field is the option picocli tied the mistake to, if any. */
  public static ErrorReport usage(CommandLine.ParameterException e) {
    String field = e.getArgSpec() instanceof CommandLine.Model.OptionSpec o ? o.longestName()
        : e.getArgSpec() instanceof CommandLine.Model.PositionalParamSpec p ? p.paramLabel() : null;
    // A missing required option has no argSpec of its own; name the first one missing.
    if (field == null && e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()) {
      CommandLine.Model.ArgSpec missing = m.getMissing().get(0);
      field = missing instanceof CommandLine.Model.OptionSpec o ? o.longestName() : missing.paramLabel();
    }
    return new ErrorReport(USAGE, clean(e.getMessage()), field);
  }

  /** Any failure of a command at run time (exit 1). */
  public static ErrorReport of(Throwable t) {
    if (t instanceof CliFailure f) return new ErrorReport(f.code(), clean(f.getMessage()), f.field());
    if (t instanceof UncheckedIOException u && u.getCause() != null) return of(u.getCause());
    if (t instanceof NoSuchFileException e) return new ErrorReport("NOT_FOUND", "no such file or folder: " + e.getFile(), null);
    if (t instanceof FileAlreadyExistsException e) return new ErrorReport("EXISTS", e.getFile() + " already exists", null);
    if (t instanceof AccessDeniedException e) return new ErrorReport("ACCESS_DENIED", "permission denied: " + e.getFile(), null);
    if (t instanceof NotDirectoryException e) return new ErrorReport("NOT_A_FOLDER", "not a folder: " + e.getFile(), null);
    if (t instanceof DirectoryNotEmptyException e) return new ErrorReport("NOT_EMPTY", "folder is not empty: " + e.getFile(), null);
    if (t instanceof FileSystemException e) {
      // For a move, the target is what the user named; the source is our temporary file.
      String file = e.getOtherFile() != null ? e.getOtherFile() : e.getFile();
      String why = e.getReason() == null ? "cannot access" : e.getReason();
      return new ErrorReport("IO", file + ": " + why, null);
    }
    if (t instanceof CharacterCodingException) return new ErrorReport("NOT_TEXT", "not a text (UTF-8) file", null);
    if (t instanceof ConnectException e) return new ErrorReport("UNREACHABLE", "cannot connect: " + clean(e.getMessage()), null);
    if (t instanceof SocketTimeoutException) return new ErrorReport("TIMEOUT", "the server did not answer in time", null);
    if (t instanceof UnknownHostException e) return new ErrorReport("UNREACHABLE", "unknown host " + e.getMessage(), null);
    if (t instanceof JsonProcessingException e) return new ErrorReport("MALFORMED", json(e), null);
    if (t instanceof SecaimedFailure f) {
      String message = clean(f.getMessage()).replaceFirst("^" + Pattern.quote(f.code()) + ":\\s*", "");
      if (message.isEmpty()) message = t.getCause() != null ? of(t.getCause()).message() : "failed";
      return new ErrorReport(f.code(), message, null);
    }
    String message = clean(t.getMessage()); // a message that was only a class name is no message
    if (message.isEmpty() && t.getCause() != null && t.getCause() != t) return of(t.getCause());
    return new ErrorReport("FAILED", message.isEmpty() ? "unexpected failure" : message, null);
  }

  /** Jackson's own words and the line/column, without its Java reference chain. */
  static String json(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where = at == null || at.getLineNr() < 0 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    return "not valid JSON: " + clean(e.getOriginalMessage()) + where;
  }

  /** Removes Java type names and Jackson internals from a library message ({@link FailureMessages#clean}). */
  public static String clean(String message) {
    return FailureMessages.clean(message);
  }
}
