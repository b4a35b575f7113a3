package org.secaimed.dicom.pipeline;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.secaimed.connector.io.AtomicFiles;
import org.secaimed.connector.io.Digests;
import org.secaimed.dicom.pipeline.PipelineException.Step;

/**
 * {@code instances.json}: SOP Instance UID → SHA-256 of every instance sealed into the run's blob.
 * The journal keeps its digest, so a list changed on disk is caught when the run resumes.
 */
final class InstanceList {
  static final String FILE = "instances.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private InstanceList() {}

  /** Writes the list and returns its digest. */
  static String write(Path dir, Map<String, String> instances) throws IOException {
    Path file = dir.resolve(FILE);
    AtomicFiles.write(file, tmp -> JSON.writeValue(tmp.toFile(), instances));
    return Digests.sha256Hex(Files.readAllBytes(file));
  }

  static Map<String, String> read(Path dir, String expectedSha) throws IOException {
    Path file = dir.resolve(FILE);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new PipelineException(Step.RESOLVE, file.toString(), "the journal says the upload completed but its instance list is missing", e);
    }
    if (!Digests.sha256Hex(bytes).equals(expectedSha)) {
      throw new PipelineException(Step.RESOLVE, file.toString(), "instance list does not match the journal's digest");
    }
    return JSON.readValue(bytes, new TypeReference<TreeMap<String, String>>() {});
  }
}
