package org.secaimed.connector.provenance;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.secaimed.connector.io.AtomicFiles;

/**
 * The site's own record of what it sealed to an enclave ({@code <store>/inputs.jsonl}): which
 * series went into which input blob under which usage policy. The enclave knows blobs, never
 * series; this record is what lets {@code secaimed provenance study --series UID} ask the enclave
 * about the right blobs. Written by every uploader of the site (the Kaapana pipeline's
 * pull-and-seal step, the consortium demo). One JSON object per line, appended and fsynced
 * ({@link AtomicFiles#appendLine}); a torn last line (a crash mid-append) is ignored. It names
 * UIDs, never pixel data, and stays on the site.
 */
public final class SealedInputs {
  public static final String FILE_NAME = "inputs.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;

  /** One sealed input: its blob id, the series and study it holds, its policy and when it was sealed. */
  public record Entry(String blobId, List<String> series, List<String> studies, String policyDigest, List<String> purposes,
      List<String> taskKinds, int instances, String sealedAt) {}

  public SealedInputs(Path store) {
    this.file = store.resolve(FILE_NAME);
  }

  public Path file() {
    return file;
  }

  public synchronized void record(Entry e) throws IOException {
    AtomicFiles.appendLine(file, JSON.writeValueAsString(e));
  }

  /** Every input that holds {@code seriesUid}, oldest first. */
  public List<Entry> holding(String seriesUid) throws IOException {
    List<Entry> out = new ArrayList<>();
    if (!Files.exists(file)) return out;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) continue;
      try {
        Entry e = JSON.readValue(line, Entry.class);
        if (e.series() != null && e.series().contains(seriesUid)) out.add(e);
      } catch (IOException torn) {
        // a crash mid-append leaves at most one partial line; it names nothing
      }
    }
    return out;
  }
}
