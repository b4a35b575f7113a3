package org.secaimed.enclave.server.algorithms.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.secaimed.dicom.exchange.ResultPayloads;
import org.secaimed.dicom.seg.SegmentDescription;

/**
 * Loads site-configured external programs from a JSON file (docs/algorithms.md, "command"):
 * <pre>{@code
 * {"algorithms": [{"id": "totalsegmentator-lungs", "version": "2.4.0",
 *                  "command": ["/opt/ts/run.sh", "{input}", "{output}"], "timeoutSeconds": 1800,
 *                  "modality": "CT", "workRoot": "/var/lib/secaimed/work",
 *                  "segments": [{"number": 1, "label": "Lungs", "category": {...}, "type": {...},
 *                                "algorithmType": "AUTOMATIC", "algorithmName": "TotalSegmentator 2.4"}]}]}
 * }</pre>
 * Every field is checked; a bad file names the entry and field.
 */
public final class CommandConfigs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CommandConfigs() {}

  public static List<CommandAlgorithm.Config> load(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IOException(file + ": not JSON: " + e.getMessage(), e);
    }
    JsonNode list = root.path("algorithms");
    if (!list.isArray()) throw new IOException(file + ": 'algorithms' must be an array");
    List<CommandAlgorithm.Config> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode a = list.get(i);
      String where = file + ": algorithms[" + i + "]";
      try {
        List<String> command = new ArrayList<>();
        if (!a.path("command").isArray()) throw new IllegalArgumentException("'command' must be an array of strings");
        a.path("command").forEach(c -> command.add(c.asText()));
        List<SegmentDescription> segments = new ArrayList<>();
        for (JsonNode s : a.path("segments")) segments.add(ResultPayloads.segmentFromJson(s));
        long timeout = a.path("timeoutSeconds").asLong(-1);
        out.add(new CommandAlgorithm.Config(text(a, "id"), text(a, "version"), command, Duration.ofSeconds(timeout),
            a.path("modality").asText("CT"), segments, a.hasNonNull("workRoot") ? Path.of(a.get("workRoot").asText()) : null,
            a.hasNonNull("description") ? a.get("description").asText() : null));
      } catch (RuntimeException e) {
        throw new IOException(where + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  private static String text(JsonNode a, String field) {
    JsonNode n = a.get(field);
    if (n == null || !n.isTextual()) throw new IllegalArgumentException("'" + field + "' is required");
    return n.asText();
  }
}
