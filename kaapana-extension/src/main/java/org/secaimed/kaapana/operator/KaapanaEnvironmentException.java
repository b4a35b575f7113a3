package org.secaimed.kaapana.operator;

import org.secaimed.connector.SecaimedFailure;
import java.util.List;

/**
 * The operator's environment or {@code conf.json} is missing something or carries something it
 * must not. {@link #source()} names the variable, file or JSON field of the first problem;
 * {@link #problems()} lists every problem found.
 */
public final class KaapanaEnvironmentException extends Exception implements SecaimedFailure {
  private static final long serialVersionUID = 1L;
  private final String source;
  private final transient List<Problems.Problem> problems;

  public KaapanaEnvironmentException(String source, String message) {
    this(source, message, null);
  }

  public KaapanaEnvironmentException(String source, String message, Throwable cause) {
    super(source + ": " + message, cause);
    this.source = source;
    this.problems = List.of(new Problems.Problem(source, message));
  }

  KaapanaEnvironmentException(List<Problems.Problem> problems) {
    super(summary(problems));
    this.source = problems.get(0).source();
    this.problems = List.copyOf(problems);
  }

  private static String summary(List<Problems.Problem> problems) {
    if (problems.size() == 1) return problems.get(0).line();
    return problems.size() + " problems: " + String.join("; ", problems.stream().map(Problems.Problem::line).toList());
  }

  /** The environment variable, file or JSON pointer that is at fault (the first, if several are). */
  public String source() {
    return source;
  }

  /** Every problem found, in the order the loader met them. */
  public List<Problems.Problem> problems() {
    return problems;
  }

  @Override
  public String code() {
    return "ENVIRONMENT";
  }
}
