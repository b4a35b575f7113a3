package org.secaimed.kaapana.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The site's folder of kept provenance reports ({@link ProvenanceRecord}) and its retention rule:
 * a report is deleted only after the {@code keepUntil} its {@code retention.json} names, which is
 * at least six months after it was written. Anything unreadable is kept (retention fails safe).
 */
public final class ProvenanceStore {
  private final Path root;

  public ProvenanceStore(Path root) {
    this.root = root;
  }

  public record Pruned(List<Path> deleted, int kept) {}

  public Pruned prune(Instant now) throws IOException {
    List<Path> deleted = new ArrayList<>();
    int kept = 0;
    if (!Files.isDirectory(root)) return new Pruned(deleted, 0);
    try (var models = Files.list(root)) {
      for (Path model : models.filter(Files::isDirectory).sorted().toList()) {
        try (var reports = Files.list(model)) {
          for (Path report : reports.filter(Files::isDirectory).sorted().toList()) {
            if (expired(report, now)) {
              ProvenanceRecord.deleteTree(report);
              deleted.add(report);
            } else {
              kept++;
            }
          }
        }
      }
    }
    return new Pruned(deleted, kept);
  }

  /** Past its keepUntil, and that keepUntil respects the minimum retention from when it was kept. */
  static boolean expired(Path report, Instant now) {
    try {
      JsonNode r = ProvenanceRecord.JSON.readTree(report.resolve("retention.json").toFile());
      Instant keptAt = Instant.parse(r.path("keptAt").asText());
      Instant until = Instant.parse(r.path("keepUntil").asText());
      Instant minimum = ProvenanceRecord.keepUntil(keptAt, ProvenanceRecord.MINIMUM_RETENTION);
      return now.isAfter(until) && now.isAfter(minimum);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
