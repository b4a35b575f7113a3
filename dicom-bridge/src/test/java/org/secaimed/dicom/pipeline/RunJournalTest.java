package org.secaimed.dicom.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.dicom.pipeline.RunJournal.Step;

class RunJournalTest {
  @TempDir Path dir;

  @Test
  void survivesReopenAndRemembersFacts() throws Exception {
    RunJournal j = RunJournal.open(dir, Clock.systemUTC());
    j.record(Step.ATTESTED, Map.of("evidenceDigest", "ab12"));
    j.record(Step.SUBMITTED, Map.of("taskId", "t-1", "idempotencyKey", "job-7"));

    RunJournal again = RunJournal.open(dir, Clock.systemUTC());
    assertThat(again.isDone(Step.ATTESTED)).isTrue();
    assertThat(again.completed(Step.SUBMITTED).orElseThrow()).containsEntry("taskId", "t-1");
    assertThat(again.isDone(Step.COMPLETED)).isFalse();
  }

  @Test
  void tornLastLineMeansTheStepDidNotComplete() throws Exception {
    RunJournal j = RunJournal.open(dir, Clock.systemUTC());
    j.record(Step.UPLOADED, Map.of("blob", "sha256:00"));
    Files.writeString(dir.resolve(RunJournal.FILE_NAME), "{\"step\":\"SUBM", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

    RunJournal again = RunJournal.open(dir, Clock.systemUTC());
    assertThat(again.completedSteps()).containsExactly(Step.UPLOADED);
  }

  @Test
  void corruptMiddleLineIsATypedError() throws Exception {
    Files.writeString(dir.resolve(RunJournal.FILE_NAME), "garbage\n{\"step\":\"UPLOADED\"}\n");
    assertThatThrownBy(() -> RunJournal.open(dir, Clock.systemUTC()))
        .isInstanceOf(RunJournal.JournalException.class)
        .hasMessageContaining("line 1");
  }

  @Test
  void refusesFreeTextSoNoPatientDataCanLand() throws Exception {
    RunJournal j = RunJournal.open(dir, Clock.systemUTC());
    assertThatThrownBy(() -> j.record(Step.SEG_WRITTEN, Map.of("patient", "Doe^John")))
        .isInstanceOf(RunJournal.JournalException.class)
        .hasMessageContaining("patient");
    assertThat(Files.exists(dir.resolve(RunJournal.FILE_NAME))).isFalse();
  }
}
