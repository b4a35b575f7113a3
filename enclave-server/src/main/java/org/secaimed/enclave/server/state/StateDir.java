package org.secaimed.enclave.server.state;

import org.secaimed.connector.io.AtomicFiles;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The dev enclave's state directory: keys, uploads, blobs, tasks, results, receipts and the log,
 * each in its own folder. Every file is written to a temp file and moved into place, so a
 * restart at any moment finds either the old or the new version, never half of one.
 */
public final class StateDir {
  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .findAndRegisterModules();

  private final Path root;

  public StateDir(Path root) {
    this.root = root.toAbsolutePath();
    for (String d : new String[] {"keys", "uploads", "blobs", "tasks", "idempotency", "results", "receipts", "log", "tmp"}) {
      try {
        Files.createDirectories(this.root.resolve(d));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create state folder " + d + " under " + root, e);
      }
    }
  }

  public Path root() {
    return root;
  }

  public Path keys() {
    return root.resolve("keys");
  }

  public Path uploads() {
    return root.resolve("uploads");
  }

  public Path blobs() {
    return root.resolve("blobs");
  }

  public Path tasks() {
    return root.resolve("tasks");
  }

  public Path idempotency() {
    return root.resolve("idempotency");
  }

  public Path results() {
    return root.resolve("results");
  }

  public Path receipts() {
    return root.resolve("receipts");
  }

  public Path log() {
    return root.resolve("log");
  }

  /** A fresh temp file on the same file system as the state, for write-then-move. */
  public Path newTempFile() throws IOException {
    return Files.createTempFile(root.resolve("tmp"), "w-", ".tmp");
  }

  public static void moveIntoPlace(Path tmp, Path target) throws IOException {
    AtomicFiles.moveIntoPlace(tmp, target);
  }

  public void writeJson(Path target, Object value) throws IOException {
    Path tmp = newTempFile();
    try {
      JSON.writeValue(tmp.toFile(), value);
      moveIntoPlace(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public <T> T readJson(Path file, Class<T> type) throws IOException {
    return JSON.readValue(file.toFile(), type);
  }

  public static ObjectMapper json() {
    return JSON;
  }
}
