package org.secaimed.connector.gateway;

import org.secaimed.connector.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The last log checkpoint the site verified (signed-note text in one file). Every later
 * checkpoint must prove consistency with it, which is how a forked or rewritten log is caught.
 */
public final class CheckpointStore {
  private final Path file;

  public CheckpointStore(Path file) {
    this.file = file;
  }

  public Optional<String> last() throws IOException {
    return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
  }

  public void store(String note) throws IOException {
    AtomicFiles.write(file, note.getBytes(StandardCharsets.UTF_8));
  }
}
