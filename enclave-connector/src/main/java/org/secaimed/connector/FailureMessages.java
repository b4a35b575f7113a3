package org.secaimed.connector;

import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * A failure's message as a person reads it: what happened and where, never a Java class name. The
 * one home for turning a library's exception into words, used wherever a message leaves the
 * process (CLI output, job reports, HTTP problem answers, typed failures that wrap a cause).
 */
public final class FailureMessages {
  /** Fully qualified Java type names and "SomethingException: " prefixes that leak from libraries. */
  private static final Pattern QUALIFIED_TYPE = Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b:?\\s*");
  private static final Pattern SIMPLE_TYPE_PREFIX = Pattern.compile("\\b[A-Z][A-Za-z0-9]*(?:Exception|Error):\\s*");
  private static final Pattern REFERENCE_CHAIN = Pattern.compile("\\s*\\(through reference chain:[^)]*\\)");
  private static final Pattern SOURCE_REDACTED = Pattern.compile("\\s*at \\[Source: [^\\]]*\\]");

  private FailureMessages() {}

  /** The message of {@code t} in plain words; a message-less library exception gets a phrase for its kind. */
  public static String of(Throwable t) {
    if (t instanceof SecaimedFailure) return clean(t.getMessage());
    if (t instanceof NoSuchFileException e) return "no such file or folder: " + e.getFile();
    if (t instanceof AccessDeniedException e) return "permission denied: " + e.getFile();
    if (t instanceof FileSystemException e && e.getMessage() != null) {
      return (e.getOtherFile() != null ? e.getOtherFile() : e.getFile()) + ": " + (e.getReason() == null ? "cannot access" : e.getReason());
    }
    if (t instanceof UnknownHostException e) return "unknown host " + e.getMessage();
    String message = clean(t.getMessage());
    if (t instanceof ConnectException) return message.isEmpty() ? "connection refused" : "cannot connect: " + message;
    if (t instanceof SSLException) return "TLS failed" + (message.isEmpty() ? "" : ": " + message);
    if (!message.isEmpty()) return message;
    if (t instanceof EOFException) return "the connection or file ended early";
    if (t instanceof InterruptedIOException) return "timed out or interrupted";
    if (t.getCause() != null && t.getCause() != t) return of(t.getCause());
    return "an unexpected internal error";
  }

  /**
   * Where a JSON parser gave up, as " (line L, column C)", or empty: for evidence and other
   * untrusted input, whose parser messages may quote the input itself.
   */
  public static String jsonPosition(Throwable t) {
    if (t instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null && j.getLocation().getLineNr() > 0) {
      return " (line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ")";
    }
    return "";
  }

  /** Removes Java type names and Jackson internals from a library message (null becomes empty). */
  public static String clean(String message) {
    if (message == null) return "";
    String m = REFERENCE_CHAIN.matcher(message).replaceAll("");
    m = SOURCE_REDACTED.matcher(m).replaceAll("");
    m = QUALIFIED_TYPE.matcher(m).replaceAll("");
    m = SIMPLE_TYPE_PREFIX.matcher(m).replaceAll("");
    m = m.replace("Input length = 1", "not a text (UTF-8) file");
    return m.strip();
  }
}
