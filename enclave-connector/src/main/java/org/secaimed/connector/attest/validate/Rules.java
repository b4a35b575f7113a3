package org.secaimed.connector.attest.validate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.secaimed.connector.attest.Check;
import org.secaimed.connector.attest.verify.VerifiedEvidence;

/** Collects policy checks under an id prefix (for composite parts), with the rule shapes every format shares. */
final class Rules {
  private final String prefix;
  private final List<Check> out;

  Rules(String prefix, List<Check> out) {
    this.prefix = prefix;
    this.out = out;
  }

  void expect(boolean ok, String id, String description, String failDetail) {
    out.add(new Check(prefix + id, description, ok ? Check.Status.PASS : Check.Status.FAIL, ok ? "" : failDetail));
  }

  void pass(String id, String description, String detail) {
    out.add(new Check(prefix + id, description, Check.Status.PASS, detail));
  }

  void fail(String id, String description, String detail) {
    out.add(new Check(prefix + id, description, Check.Status.FAIL, detail));
  }

  void skip(String id, String description, String detail) {
    out.add(new Check(prefix + id, description, Check.Status.SKIPPED, detail));
  }

  /**
   * Debugging: {@code policy.debug-off} when the TEE is not debuggable (or unknown → fail); when
   * the policy allows debugging and the TEE is debuggable, the check is {@code policy.debug-allowed},
   * so a report never says "forbids debugging" about a debuggable guest.
   */
  void debug(VerifiedEvidence v, boolean allowed, String description) {
    boolean debug = v.debug().orElse(true);
    if (debug && allowed) {
      pass("policy.debug-allowed", "The policy allows a debuggable TEE (its memory can be read by the host)",
          v.debug().isEmpty() ? "debug state unknown; allowed by policy" : "debugging is ENABLED; allowed by policy");
      return;
    }
    expect(!debug, "policy.debug-off", description,
        v.debug().isEmpty() ? "the evidence does not state whether debugging is possible" : "debugging is enabled");
  }

  /** A pinned reference value; an empty pin list fails closed when mandatory, else is skipped. */
  void reference(VerifiedEvidence v, String field, List<String> allowed, boolean mandatory, String description) {
    String id = "policy." + field;
    if (allowed.isEmpty()) {
      if (mandatory) fail(id, description, "the policy pins no " + field + " (fail closed)");
      else skip(id, description, "not pinned by the policy");
      return;
    }
    String actual = v.referenceValues().get(field);
    expect(actual != null && allowed.contains(actual), id, description, field + " " + actual + " is not in the policy's list");
  }

  /** Every named component of {@code actual} is at least the minimum; none set = skipped. */
  void minimum(String id, String description, Map<String, Integer> minimum, Map<?, ?> actual) {
    if (minimum.isEmpty()) {
      skip(id, description, "no minimum set");
      return;
    }
    List<String> low = new ArrayList<>();
    minimum.forEach((k, min) -> {
      Object a = actual == null ? null : actual.get(k);
      if (!(a instanceof Integer i) || i < min) low.add(k + " " + a + " < " + min);
    });
    expect(low.isEmpty(), id, description, String.join(", ", low));
  }
}
