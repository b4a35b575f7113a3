package org.secaimed.enclave.server.algorithms;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.secaimed.enclave.server.algorithms.AlgorithmException.Reason;

/**
 * Task parameters with typed getters. The gateway API carries values as strings, so numbers may
 * arrive as "0.5"; a missing, malformed or out-of-range value is a BAD_PARAMETER naming it.
 */
public final class Parameters {
  private final Map<String, Object> values;

  public Parameters(Map<String, Object> values) {
    this.values = Map.copyOf(values);
  }

  /** Fails on any parameter name not in {@code accepted}: a typo must not silently run with defaults. */
  public void requireOnly(Set<String> accepted) throws AlgorithmException {
    Set<String> unknown = new TreeSet<>(values.keySet());
    unknown.removeAll(accepted);
    if (!unknown.isEmpty()) {
      throw new AlgorithmException(Reason.BAD_PARAMETER, "parameters." + unknown.iterator().next(), "unknown parameter; accepted: " + new TreeSet<>(accepted));
    }
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  public String string(String name, String fallback) {
    Object v = values.get(name);
    return v == null ? fallback : v.toString();
  }

  public String requireString(String name) throws AlgorithmException {
    Object v = values.get(name);
    if (v == null || v.toString().isBlank()) throw new AlgorithmException(Reason.BAD_PARAMETER, "parameters." + name, "required");
    return v.toString();
  }

  public int integer(String name, int fallback, int min, int max) throws AlgorithmException {
    Object v = values.get(name);
    if (v == null) return fallback;
    try {
      double d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString().trim());
      if (d != Math.rint(d) || d < min || d > max) throw new NumberFormatException();
      return (int) d;
    } catch (NumberFormatException e) {
      throw new AlgorithmException(Reason.BAD_PARAMETER, "parameters." + name, "must be an integer in " + min + ".." + max);
    }
  }

  public double decimal(String name, double fallback, double min, double max) throws AlgorithmException {
    Object v = values.get(name);
    if (v == null) return fallback;
    try {
      double d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString().trim());
      if (!(d >= min && d <= max)) throw new NumberFormatException();
      return d;
    } catch (NumberFormatException e) {
      throw new AlgorithmException(Reason.BAD_PARAMETER, "parameters." + name, "must be a number in " + min + ".." + max);
    }
  }

  public Map<String, Object> asMap() {
    return values;
  }
}
