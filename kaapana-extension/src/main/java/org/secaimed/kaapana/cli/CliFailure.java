package org.secaimed.kaapana.cli;

/**
 * A command refused or failed at run time (exit 1): a stable {@code code} for scripts, a message
 * for people, and the option it is about when there is one. Usage mistakes are not failures: they
 * are picocli {@code ParameterException}s (exit 2), see {@link Usage}.
 */
public final class CliFailure extends RuntimeException implements org.secaimed.connector.SecaimedFailure {
  private final String code;
  private final String field;

  public CliFailure(String code, String message, String field) {
    super(message);
    this.code = code;
    this.field = field;
  }

  public CliFailure(String code, String message, String field, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.field = field;
  }

  public static CliFailure of(String code, String message) {
    return new CliFailure(code, message, null);
  }

  /**
   * A refusal named by the enclave's problem type slug (e.g. {@code licence-revoked}) as the CLI's
   * stable code ({@code LICENCE_REVOKED}): codes are upper case whatever the rule's spelling.
   */
  public static CliFailure ofRule(String rule, String message) {
    String code = rule == null || rule.isBlank() ? "GATEWAY_REFUSED" : rule.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    return new CliFailure(code, message, null);
  }

  @Override
  public String code() {
    return code;
  }

  /** The option (e.g. {@code --out-private}) the failure is about, or null. */
  public String field() {
    return field;
  }
}
