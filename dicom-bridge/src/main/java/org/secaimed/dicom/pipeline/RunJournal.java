package org.secaimed.dicom.pipeline;

import org.secaimed.connector.SecaimedFailure;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The run's memory across operator restarts: one JSON line per completed step, appended and
 * forced to disk before the step counts as done. A restarted operator reads it and resumes
 * after the last completed step instead of re-uploading or resubmitting.
 *
 * <p>Entries are typed ({@link JournalEntry}); on disk each is {@code {"step", "at", facts...}}
 * with every fact a string, the format journals have always had, so older journals are read as they
 * are. A line naming a step this version does not know, or missing a fact, is a typed error naming
 * the file and line: a journal is never half-understood.
 *
 * <p>It holds identifiers and digests only — never patient data, keys or plaintext. Values are
 * restricted to a token alphabet so that a free-text value (a name, a path with a patient's
 * name in it) cannot slip in by accident.
 */
public final class RunJournal {

  /** The steps of DESIGN.md §3 that leave something worth remembering, and the entry each leaves. */
  public enum Step {
    ATTESTED(JournalEntry.Attested.class),
    STREAMING(JournalEntry.Streaming.class),
    STREAM_ABANDONED(JournalEntry.StreamAbandoned.class),
    UPLOADED(JournalEntry.Uploaded.class),
    SUBMITTING(JournalEntry.Submitting.class),
    SUBMITTED(JournalEntry.Submitted.class),
    COMPLETED(JournalEntry.Completed.class),
    RESULT_VERIFIED(JournalEntry.ResultVerified.class),
    SEG_WRITTEN(JournalEntry.SegWritten.class),
    STORED(JournalEntry.Stored.class),
    RECORDED(JournalEntry.Recorded.class);

    final Class<? extends JournalEntry> type;

    Step(Class<? extends JournalEntry> type) {
      this.type = type;
    }

    static Step of(JournalEntry entry) {
      for (Step s : values()) if (s.type == entry.getClass()) return s;
      throw new IllegalStateException("no step for " + entry.getClass());
    }

    static Step of(Class<? extends JournalEntry> type) {
      for (Step s : values()) if (s.type == type) return s;
      throw new IllegalStateException("no step for " + type);
    }
  }

  public static final String FILE_NAME = "secaimed-journal.jsonl";
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:/+=,@-]{0,512}");
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path file;
  private final Clock clock;
  private final Map<Step, JournalEntry> completed = new EnumMap<>(Step.class);

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
        if (lines.get(n).isBlank()) continue;
        ObjectNode line;
        try {
          line = (ObjectNode) JSON.readTree(lines.get(n));
        } catch (IOException | ClassCastException e) {
          if (n == lines.size() - 1) break; // a write cut off by a crash: that step did not complete
          throw new JournalException("journal " + journal.file + " line " + (n + 1) + " is corrupt", e);
        }
        JournalEntry entry = journal.parse(line, n + 1);
        journal.completed.put(Step.of(entry), entry);
      }
    }
    return journal;
  }

  private JournalEntry parse(ObjectNode line, int lineNo) throws JournalException {
    JsonNode stepNode = line.remove("step");
    line.remove("at");
    String step = stepNode == null ? null : stepNode.asText();
    Step s;
    try {
      s = Step.valueOf(step);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new JournalException("journal " + file + " line " + lineNo + " names unknown step '" + step
          + "' (written by a newer version? finish or remove that run with the version that started it)", e);
    }
    try {
      return JSON.treeToValue(line, s.type);
    } catch (IOException | IllegalArgumentException e) {
      String why = rootMessage(e);
      throw new JournalException("journal " + file + " line " + lineNo + " (step " + s + "): " + why, e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t instanceof IllegalArgumentException ? t.getMessage() : e.getMessage().lines().findFirst().orElse("unreadable");
  }

  /** The entry the given step left, if it completed. */
  public <E extends JournalEntry> Optional<E> find(Class<E> type) {
    return Optional.ofNullable(type.cast(completed.get(Step.of(type))));
  }

  public boolean has(Class<? extends JournalEntry> type) {
    return completed.containsKey(Step.of(type));
  }

  /** Records a completed step durably; its facts must be identifiers, digests or numbers. */
  public synchronized void record(JournalEntry entry) throws IOException {
    Step step = Step.of(entry);
    ObjectNode line = JSON.createObjectNode();
    line.put("step", step.name());
    line.put("at", clock.instant().toString());
    Iterator<Map.Entry<String, JsonNode>> facts = JSON.valueToTree(entry).fields();
    while (facts.hasNext()) {
      var f = facts.next();
      String value = f.getValue().isNull() ? null : f.getValue().asText();
      if (!TOKEN.matcher(f.getKey()).matches() || value == null || !TOKEN.matcher(value).matches()) {
        throw new JournalException("journal fact '" + f.getKey() + "' of step " + step
            + " is not an identifier or digest; the journal must not hold free text");
      }
      line.put(f.getKey(), value);
    }
    byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) ch.write(buf);
      ch.force(true);
    }
    completed.put(step, entry);
  }

  public List<Step> completedSteps() {
    return new ArrayList<>(completed.keySet());
  }

  public Path file() {
    return file;
  }

  /** The journal cannot be read or would be given something it must not hold. */
  public static final class JournalException extends IOException implements SecaimedFailure {
    @Override
    public String code() {
      return "JOURNAL_INVALID";
    }

    public JournalException(String message) { super(message); }
    public JournalException(String message, Throwable cause) { super(message, cause); }
  }
}
