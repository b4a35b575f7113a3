package org.secaimed.enclave.server.algorithms;

import java.util.Locale;

/** What a task asks for; the wire names are those of the gateway API ({@code kind} in POST /v1/tasks). */
public enum TaskKind {
  SEGMENTATION, TRAINING, EVALUATION;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name; unknown names are a {@link AlgorithmException.Reason#UNSUPPORTED_TASK_KIND}. */
  public static TaskKind fromWireName(String name) throws AlgorithmException {
    for (TaskKind k : values()) if (k.wireName().equals(name)) return k;
    throw new AlgorithmException(AlgorithmException.Reason.UNSUPPORTED_TASK_KIND, "kind", "unknown task kind '" + name + "'");
  }
}
