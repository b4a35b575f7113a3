package org.secaimed.kaapana.operator;

import java.util.ArrayList;
import java.util.List;

/**
 * Every problem found while reading the operator's environment, so {@code kaapana run --check}
 * can list them all at once instead of one per attempt. Each problem names its variable, file or
 * JSON field and says what is wrong in plain words.
 */
public final class Problems {
  /** One problem: where (variable, file or JSON pointer) and what. */
  public record Problem(String source, String message) {
    public String line() {
      return source + ": " + message;
    }
  }

  /** A step of the loader that may find a problem. */
  interface Step<T> {
    T get() throws KaapanaEnvironmentException;
  }

  private final List<Problem> found = new ArrayList<>();

  /** Runs a step; its problem is recorded and null returned, so independent steps still run. */
  <T> T attempt(Step<T> step) {
    try {
      return step.get();
    } catch (KaapanaEnvironmentException e) {
      found.addAll(e.problems());
      return null;
    }
  }

  void add(String source, String message) {
    found.add(new Problem(source, message));
  }

  public List<Problem> list() {
    return List.copyOf(found);
  }

  /** Fails with every recorded problem, if there is any. */
  void throwIfAny() throws KaapanaEnvironmentException {
    if (!found.isEmpty()) throw new KaapanaEnvironmentException(list());
  }
}
