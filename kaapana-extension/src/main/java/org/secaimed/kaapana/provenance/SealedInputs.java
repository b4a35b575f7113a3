package org.secaimed.kaapana.provenance;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The site's own record of what it sealed to an enclave ({@code <store>/inputs.jsonl}): which
 * series went into which input blob under which usage policy. The enclave knows blobs, never
 * series; this record is what lets {@code secaimed provenance study --series UID} ask the enclave
 * about the right blobs. One JSON object per line, appended and fsynced; a torn last line (a crash
 * mid-append) is ignored. It names UIDs, never pixel data, and stays on the site.
 */
public final class SealedInputs {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;

  /** One sealed input: its blob id, the series and study it holds, its policy and when it was sealed. */
  public record Entry(String blobId, List<String> series, List<String> studies, String policyDigest, List<String> purposes,
      List<String> taskKinds, int instances, String sealedAt) {}

  public SealedInputs(Path store) {
    this.file = store.resolve("inputs.jsonl");
  }

  public synchronized void record(Entry e) throws IOException {
    Files.createDirectories(file.getParent());
    byte[] line = (JSON.writeValueAsString(e) + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap(line));
      ch.force(false);
    }
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
