package org.secaimed.enclave.server.algorithms.models;

import org.secaimed.connector.io.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.secaimed.enclave.server.algorithms.AlgorithmException;
import org.secaimed.enclave.server.algorithms.AlgorithmException.Reason;
import org.secaimed.connector.io.Digests;
import org.secaimed.dicom.exchange.ModelInfo;

/**
 * Models trained inside the enclave, kept in a directory the gateway gives (inside its state
 * directory, never served). A model's id is derived from its digest, so storing the same bytes
 * twice yields the same id; files are written owner-only, to a temp name and then moved, and are
 * checked against their digest on every load.
 */
public final class ModelStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ID_PREFIX = "model-";

  private final Path directory;

  public ModelStore(Path directory) throws IOException {
    this.directory = directory;
    if (!Files.isDirectory(directory)) {
      Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
  }

  /** Stores a model's bytes for {@code algorithmId} and returns what the site may learn about it. */
  public ModelInfo put(String algorithmId, byte[] bytes) throws IOException {
    String digest = Digests.of(bytes);
    String id = ID_PREFIX + digest.substring(Digests.PREFIX.length(), Digests.PREFIX.length() + 32);
    ModelInfo info = new ModelInfo(id, digest, algorithmId);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("id", id);
    meta.put("digest", digest);
    meta.put("trainedBy", algorithmId);
    meta.put("createdAt", java.time.Instant.now().toString());
    writeAtomically(directory.resolve(id + ".model"), bytes);
    writeAtomically(directory.resolve(id + ".json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
    return info;
  }

  /** The model's bytes and info; UNKNOWN_MODEL if absent, and also if its bytes no longer match its digest. */
  public StoredModel get(String id) throws AlgorithmException {
    if (id == null || !id.matches(ID_PREFIX + "[0-9a-f]{32}")) {
      throw new AlgorithmException(Reason.BAD_PARAMETER, "parameters.model", "not a model id");
    }
    Path model = directory.resolve(id + ".model");
    Path meta = directory.resolve(id + ".json");
    if (!Files.isRegularFile(model) || !Files.isRegularFile(meta)) {
      throw new AlgorithmException(Reason.UNKNOWN_MODEL, "parameters.model", "no model " + id + " in this enclave");
    }
    try {
      byte[] bytes = Files.readAllBytes(model);
      JsonNode m = JSON.readTree(meta.toFile());
      ModelInfo info = new ModelInfo(id, m.path("digest").asText(), m.path("trainedBy").asText());
      if (!Digests.of(bytes).equals(info.digest()) || !info.digest().startsWith(Digests.PREFIX + id.substring(ID_PREFIX.length()))) {
        throw new AlgorithmException(Reason.UNKNOWN_MODEL, "parameters.model", "model " + id + " fails its digest check; refusing to use it");
      }
      return new StoredModel(info, bytes);
    } catch (IOException | IllegalArgumentException e) {
      throw new AlgorithmException(Reason.UNKNOWN_MODEL, "parameters.model", "model " + id + " unreadable: " + e.getMessage(), e);
    }
  }

  private void writeAtomically(Path target, byte[] bytes) throws IOException {
    AtomicFiles.writeOwnerOnly(target, bytes);
  }

  /** A model loaded from the store, digest-checked. */
  public record StoredModel(ModelInfo info, byte[] bytes) {
    public StoredModel {
      bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }
  }
}
