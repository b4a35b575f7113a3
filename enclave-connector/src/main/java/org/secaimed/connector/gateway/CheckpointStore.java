package org.secaimed.connector.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".checkpoint-", ".tmp");
    try {
      Files.writeString(tmp, note, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
