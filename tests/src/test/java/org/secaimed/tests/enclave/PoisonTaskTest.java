package org.secaimed.tests.enclave;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.enclave.server.state.StateDir;
import org.secaimed.enclave.server.task.TaskRecord;

/**
 * Issue 11 item 4 (review M6): a task the enclave died under again and again (a poison input that
 * kills the worker) ends "failed" after a restart instead of being re-queued forever.
 */
class PoisonTaskTest {

  @Test
  void aTaskStartedThreeTimesWithoutFinishingFailsInsteadOfBeingRequeued(@TempDir Path dir) throws Exception {
    try (EnclaveFixture f = new EnclaveFixture(dir)) {
      f.enclave.close();
      StateDir state = new StateDir(dir.resolve("enclave-state"));
      TaskRecord running = new TaskRecord("task-0123456789abcdef0123456789abcdef", "running", 0.1, "running", Instant.EPOCH.toString(), null,
          new TaskRecord.Request("segmentation", new TaskRecord.AlgorithmRef("threshold-ct", "1", "sha256:00"), List.of("sha256:00"),
              Map.of(), new TaskRecord.KemKey("X25519", "AAAA"), null, null), null, null);
      state.writeJson(state.tasks().resolve("task-0123456789abcdef0123456789abcdef.json"), running);
      Files.writeString(state.tasks().resolve("task-0123456789abcdef0123456789abcdef.starts"), "3");

      f.enclave = f.start(0);
      TaskRecord after = state.readJson(state.tasks().resolve("task-0123456789abcdef0123456789abcdef.json"), TaskRecord.class);
      assertThat(after.state()).isEqualTo("failed");
      assertThat(after.error().detail()).contains("started 3 times without finishing");
      Thread.sleep(300); // a re-queued task would start again (and count a fourth start)
      assertThat(Files.readString(state.tasks().resolve("task-0123456789abcdef0123456789abcdef.starts")).trim()).isEqualTo("3");
    }
  }
}
