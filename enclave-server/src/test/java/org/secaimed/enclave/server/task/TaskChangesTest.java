package org.secaimed.enclave.server.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The long poll behind GET /v1/tasks/{id}?waitMillis: a waiter answers when its task finishes or
 * moves (another state or step, or a twentieth more progress), not for every small progress report.
 * Early answers are only bounded well inside the wait, which would otherwise be the answer.
 */
class TaskChangesTest {
  private static TaskRecord task(String state, double progress, String message) {
    return new TaskRecord("task-" + "a".repeat(32), state, progress, message, "2026-12-07T00:00:00Z", null, null, null, "party");
  }

  @Test
  void aWaiterAnswersWhenItsTaskMovesOrFinishes() throws Exception {
    for (TaskRecord next : new TaskRecord[] {task("running", 0.1, "parse"), task("running", 0.3, "body"),
        task("succeeded", 1.0, "done")}) {
      TaskChanges changes = new TaskChanges();
      AtomicReference<TaskRecord> current = new AtomicReference<>(task("running", 0.1, "body"));
      CompletableFuture<TaskRecord> answer = CompletableFuture.supplyAsync(() -> await(changes, current, Duration.ofSeconds(20)));
      Thread.sleep(50);
      current.set(next);
      changes.changed();
      assertThat(answer.get(10, TimeUnit.SECONDS)).as("after %s", next).isSameAs(next);
    }
  }

  @Test
  void aSmallProgressStepDoesNotEndTheWait() throws Exception {
    TaskChanges changes = new TaskChanges();
    AtomicReference<TaskRecord> current = new AtomicReference<>(task("running", 0.10, "segment"));
    long t0 = System.nanoTime();
    CompletableFuture<TaskRecord> answer = CompletableFuture.supplyAsync(() -> await(changes, current, Duration.ofMillis(600)));
    Thread.sleep(50);
    current.set(task("running", 0.12, "segment"));
    changes.changed();
    assertThat(answer.get(10, TimeUnit.SECONDS).progress()).isEqualTo(0.12); // the latest, at the end of the wait
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(600);
    assertThat(TaskChanges.moved(task("running", 0.10, "x"), task("running", 0.15, "x"))).isTrue();
  }

  @Test
  void aFinishedTaskOrNoWaitIsAnsweredAtOnce() throws Exception {
    TaskChanges changes = new TaskChanges();
    TaskChanges.Reader never = () -> {
      throw new AssertionError("read again");
    };
    TaskRecord done = task("failed", 0.5, "failed");
    assertThat(changes.await(done, never, Duration.ofSeconds(10))).isSameAs(done);
    TaskRecord running = task("running", 0.5, "x");
    assertThat(changes.await(running, never, Duration.ZERO)).isSameAs(running);
  }

  private static TaskRecord await(TaskChanges changes, AtomicReference<TaskRecord> current, Duration wait) {
    try {
      return changes.await(current.get(), current::get, wait);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
