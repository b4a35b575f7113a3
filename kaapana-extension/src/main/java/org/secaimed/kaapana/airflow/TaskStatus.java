package org.secaimed.kaapana.airflow;

/** One task instance of a run; {@code state} is null until the scheduler looks at it. */
public record TaskStatus(String taskId, String state, int tryNumber, Double durationSeconds) {
  /** Task states after which nothing more happens in this try. */
  public boolean isFinal() {
    return state != null && switch (state) {
      case "success", "failed", "skipped", "upstream_failed", "removed" -> true;
      default -> false;
    };
  }
}
