package org.secaimed.dicom.pipeline;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The run's memory across operator restarts: one JSON line per completed step, appended and
 * forced to disk before the step counts as done. A restarted operator reads it and resumes
 * after the last completed step instead of re-uploading or resubmitting.
 *
 * <p>It holds identifiers and digests only — never patient data, keys or plaintext. Values are
 * restricted to a token alphabet so that a free-text value (a name, a path with a patient's
 * name in it) cannot slip in by accident.
 */
public final class RunJournal {

  /** The steps of DESIGN.md §3 that leave something worth remembering. */
  public enum Step { ATTESTED, UPLOADED, SUBMITTED, COMPLETED, RESULT_VERIFIED, SEG_WRITTEN, STORED, RECORDED }

  public static final String FILE_NAME = "secaimed-journal.jsonl";
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:/+=,@-]{0,512}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Clock clock;
  private final Map<Step, Map<String, String>> completed = new EnumMap<>(Step.class);

  private RunJournal(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  /** Opens (or starts) the journal in {@code runDir}. A torn last line from a crash is ignored. */
  public static RunJournal open(Path runDir, Clock clock) throws IOException {
    Files.createDirectories(runDir);
    RunJournal journal = new RunJournal(runDir.resolve(FILE_NAME), clock);
    if (Files.exists(journal.file)) {
      List<String> lines = Files.readAllLines(journal.file, StandardCharsets.UTF_8);
      for (int n = 0; n < lines.size(); n++) {
        String line = lines.get(n);
        if (line.isBlank()) continue;
        Map<String, String> entry;
        try {
          entry = JSON.readValue(line, new TypeReference<LinkedHashMap<String, String>>() {});
        } catch (IOException e) {
          if (n == lines.size() - 1) break; // a write cut off by a crash: that step did not complete
          throw new JournalException("journal " + journal.file + " line " + (n + 1) + " is corrupt", e);
        }
        String step = entry.remove("step");
        entry.remove("at");
        try {
          journal.completed.put(Step.valueOf(step), Collections.unmodifiableMap(entry));
        } catch (IllegalArgumentException | NullPointerException e) {
          throw new JournalException("journal " + journal.file + " line " + (n + 1) + " names unknown step '" + step + "'", e);
        }
      }
    }
    return journal;
  }

  public Optional<Map<String, String>> completed(Step step) {
    return Optional.ofNullable(completed.get(step));
  }

  public boolean isDone(Step step) {
    return completed.containsKey(step);
  }

  /** Records a completed step durably; the facts must be identifiers or digests. */
  public synchronized void record(Step step, Map<String, String> facts) throws IOException {
    Map<String, String> line = new LinkedHashMap<>();
    line.put("step", step.name());
    line.put("at", clock.instant().toString());
    for (var e : facts.entrySet()) {
      if (!TOKEN.matcher(e.getKey()).matches() || e.getValue() == null || !TOKEN.matcher(e.getValue()).matches()) {
        throw new JournalException("journal fact '" + e.getKey() + "' of step " + step
            + " is not an identifier or digest; the journal must not hold free text");
      }
      line.put(e.getKey(), e.getValue());
    }
    byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) ch.write(buf);
      ch.force(true);
    }
    Map<String, String> copy = new LinkedHashMap<>(facts);
    completed.put(step, Collections.unmodifiableMap(copy));
  }

  public List<Step> completedSteps() {
    return new ArrayList<>(completed.keySet());
  }

  public Path file() {
    return file;
  }

  /** The journal cannot be read or would be given something it must not hold. */
  public static final class JournalException extends IOException {
    public JournalException(String message) { super(message); }
    public JournalException(String message, Throwable cause) { super(message, cause); }
  }
}
