package org.secaimed.dicom.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Writes an output file that another step reads (a SEG, a label map): through a temporary file in
 * the same directory and an atomic move, so a reader never sees half a file and a failure leaves
 * nothing behind. Unlike {@link Files#createTempFile}, which makes owner-only (0600) files, the
 * temporary file is created the way any new file is, so the process umask decides its mode (0644
 * under the usual 022): Kaapana's next operator or a sender may run as another user. Keys and other
 * secrets must not be written through this class.
 */
public final class SharedOutputFiles {
  private static final SecureRandom RANDOM = new SecureRandom();

  private SharedOutputFiles() {}

  /** Writes the content to an output stream; may throw any exception, which is rethrown after cleanup. */
  @FunctionalInterface
  public interface Content<E extends Exception> {
    void writeTo(OutputStream out) throws IOException, E;
  }

  public static <E extends Exception> void write(Path file, Content<E> content) throws IOException, E {
    Path dir = file.toAbsolutePath().getParent();
    byte[] suffix = new byte[8];
    RANDOM.nextBytes(suffix);
    Path tmp = dir.resolve("." + file.getFileName() + "." + HexFormat.of().formatHex(suffix) + ".partial");
    boolean moved = false;
    try {
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        content.writeTo(out);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      moved = true;
    } finally {
      if (!moved) {
        try { Files.deleteIfExists(tmp); } catch (IOException ignored) { /* best effort cleanup */ }
      }
    }
  }
}
