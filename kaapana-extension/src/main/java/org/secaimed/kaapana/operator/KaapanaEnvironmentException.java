package org.secaimed.kaapana.operator;

/**
 * The operator's environment or {@code conf.json} is missing something or carries something it
 * must not. {@link #source()} names the variable, file or JSON field.
 */
public final class KaapanaEnvironmentException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String source;

  public KaapanaEnvironmentException(String source, String message) {
    super(source + ": " + message);
    this.source = source;
  }

  public KaapanaEnvironmentException(String source, String message, Throwable cause) {
    super(source + ": " + message, cause);
    this.source = source;
  }

  /** The environment variable, file or JSON pointer that is at fault. */
  public String source() {
    return source;
  }
}
