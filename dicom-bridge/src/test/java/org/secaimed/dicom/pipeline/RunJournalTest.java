package org.secaimed.dicom.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.dicom.pipeline.JournalEntry.Attested;
import org.secaimed.dicom.pipeline.JournalEntry.Completed;
import org.secaimed.dicom.pipeline.JournalEntry.SegWritten;
import org.secaimed.dicom.pipeline.JournalEntry.Submitted;
import org.secaimed.dicom.pipeline.JournalEntry.Uploaded;
import org.secaimed.dicom.pipeline.RunJournal.Step;

class RunJournalTest {
  @TempDir Path dir;

  @Test
  void survivesReopenAndRemembersTypedFacts() throws Exception {
    RunJournal j = RunJournal.open(dir, Clock.systemUTC());
    j.record(new Attested("ab12", "cd34", "ef56", "kem-1", true));
    j.record(new Uploaded("sha256:00", "99ff", 3, 1024, 2048));
    j.record(new Submitted("t-1", "job-7"));

    RunJournal again = RunJournal.open(dir, Clock.systemUTC());
    assertThat(again.find(Attested.class)).contains(new Attested("ab12", "cd34", "ef56", "kem-1", true));
    assertThat(again.find(Uploaded.class)).contains(new Uploaded("sha256:00", "99ff", 3, 1024, 2048));
    assertThat(again.find(Submitted.class).orElseThrow().taskId()).isEqualTo("t-1");
    assertThat(again.has(Completed.class)).isFalse();
  }

  /** A journal written before the entries were typed (every fact a string) is read as it is. */
  @Test
  void readsJournalsWrittenByTheStringMapVersion() throws Exception {
    Files.writeString(dir.resolve(RunJournal.FILE_NAME), String.join("\n",
        "{\"step\":\"ATTESTED\",\"at\":\"2026-12-01T10:00:00Z\",\"evidenceDigest\":\"e1\",\"policyDigest\":\"p1\","
            + "\"signingKeySha256\":\"s1\",\"kemKeyId\":\"k1\",\"insecure\":\"true\"}",
        "{\"step\":\"UPLOADED\",\"at\":\"2026-12-01T10:00:01Z\",\"blobId\":\"sha256:ab\",\"instancesSha256\":\"i1\","
            + "\"instances\":\"24\",\"plaintextBytes\":\"123456\",\"sealedBytes\":\"130000\"}",
        "{\"step\":\"SUBMITTED\",\"at\":\"2026-12-01T10:00:02Z\",\"taskId\":\"task-1\",\"idempotencyKey\":\"secaimed-1\"}",
        "{\"step\":\"RESULT_VERIFIED\",\"at\":\"2026-12-01T10:00:03Z\",\"receiptSha256\":\"r1\",\"logIndex\":\"7\"}", ""));

    RunJournal j = RunJournal.open(dir, Clock.systemUTC());
    assertThat(j.find(Attested.class).orElseThrow().insecure()).isTrue();
    assertThat(j.find(Uploaded.class).orElseThrow().plaintextBytes()).isEqualTo(123456L);
    assertThat(j.find(JournalEntry.ResultVerified.class).orElseThrow().logIndex()).isEqualTo(7L);
    assertThat(j.completedSteps()).containsExactly(Step.ATTESTED, Step.UPLOADED, Step.SUBMITTED, Step.RESULT_VERIFIED);
  }

  @Test
  void aMissingFactIsATypedErrorNamingLineAndFact() throws Exception {
    Files.writeString(dir.resolve(RunJournal.FILE_NAME), "{\"step\":\"SUBMITTED\",\"at\":\"x\",\"idempotencyKey\":\"k\"}\n");
    assertThatThrownBy(() -> RunJournal.open(dir, Clock.systemUTC()))
        .isInstanceOf(RunJournal.JournalException.class)
        .hasMessageContaining("line 1")
        .hasMessageContaining("taskId");
  }

  @Test
  void anUnknownStepIsATypedError() throws Exception {
    Files.writeString(dir.resolve(RunJournal.FILE_NAME), "{\"step\":\"TELEPORTED\",\"at\":\"x\"}\n{\"step\":\"COMPLETED\",\"taskId\":\"t\"}\n");
    assertThatThrownBy(() -> RunJournal.open(dir, Clock.systemUTC()))
        .isInstanceOf(RunJournal.JournalException.class)
        .hasMessageContaining("line 1")
        .hasMessageContaining("TELEPORTED");
  }

  @Test
  void tornLastLineMeansTheStepDidNotComplete() throws Exception {
    RunJournal j = RunJournal.open(dir, Clock.systemUTC());
    j.record(new Uploaded("sha256:00", "aa", 1, 1, 1));
    Files.writeString(dir.resolve(RunJournal.FILE_NAME), "{\"step\":\"SUBM", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

    RunJournal again = RunJournal.open(dir, Clock.systemUTC());
    assertThat(again.completedSteps()).containsExactly(Step.UPLOADED);
  }

  @Test
  void corruptMiddleLineIsATypedError() throws Exception {
    Files.writeString(dir.resolve(RunJournal.FILE_NAME), "garbage\n{\"step\":\"COMPLETED\",\"taskId\":\"t\"}\n");
    assertThatThrownBy(() -> RunJournal.open(dir, Clock.systemUTC()))
        .isInstanceOf(RunJournal.JournalException.class)
        .hasMessageContaining("line 1");
  }

  @Test
  void refusesFreeTextSoNoPatientDataCanLand() throws Exception {
    RunJournal j = RunJournal.open(dir, Clock.systemUTC());
    assertThatThrownBy(() -> j.record(new SegWritten("Doe^John", "1.2.3", 4)))
        .isInstanceOf(RunJournal.JournalException.class)
        .hasMessageContaining("segSopInstanceUid");
    assertThat(Files.exists(dir.resolve(RunJournal.FILE_NAME))).isFalse();
  }
}
