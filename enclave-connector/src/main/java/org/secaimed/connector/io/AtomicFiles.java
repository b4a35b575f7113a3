package org.secaimed.connector.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * The one home for writing a file atomically: write-then-rename, so a reader (or a restarted
 * process) sees either the old file or the whole new one, never a torn write, and a failure at any
 * point leaves the target as it was and no temporary file behind. The temporary file sits in the
 * target's folder (same file system, so the rename is atomic) and is forced to disk before it
 * replaces the target. Who may read the result is chosen per call ({@link Access}).
 */
public final class AtomicFiles {
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFiles() {}

  /** Who may read the written file. */
  public enum Access {
    /** The owner only ({@code rw-------} where the file system has POSIX modes): the default. */
    PRIVATE,
    /** The owner only, and refused on a file system without POSIX modes: private keys, plaintext the user asked for. */
    OWNER_ONLY,
    /**
     * The mode any new file gets from the process umask (0644 under the usual 022): outputs that the
     * next step reads as another user (a SEG or label map for Kaapana's next operator). Never for secrets.
     */
    SHARED
  }

  /** Fills a temporary file next to the target; it becomes the target only if this returns normally. */
  @FunctionalInterface
  public interface Writer {
    void write(Path tmp) throws IOException;
  }

  /** Writes the content to a stream (which the caller must not close); any exception it throws is rethrown after clean-up. */
  @FunctionalInterface
  public interface StreamWriter<E extends Exception> {
    void writeTo(OutputStream out) throws IOException, E;
  }

  /**
   * Appends one line to an append-only record (a JSON-lines file) with a single write, forced to
   * disk before this returns. A crash can leave at most the last line torn, never an earlier one;
   * readers of such a file ignore a torn last line. The file is created owner-only.
   */
  public static void appendLine(Path file, String line) throws IOException {
    if (line.indexOf('\n') >= 0) throw new IllegalArgumentException("an appended line must not contain a line break");
    Files.createDirectories(file.toAbsolutePath().getParent());
    if (!Files.exists(file)) {
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (java.nio.file.FileAlreadyExistsException raced) {
        // another writer created it first: append to theirs
      } catch (UnsupportedOperationException noPosix) {
        Files.createFile(file);
      }
    }
    byte[] bytes = (line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) ch.write(buf);
      ch.force(false);
    }
  }

  public static void write(Path target, Writer writer) throws IOException {
    writeVia(target, Access.PRIVATE, writer::write);
  }

  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, tmp -> Files.write(tmp, bytes));
  }

  /** As {@link #write(Path, byte[])}, readable and writable by the owner only from the first byte on: for private keys. */
  public static void writeOwnerOnly(Path target, byte[] bytes) throws IOException {
    writeVia(target, Access.OWNER_ONLY, tmp -> Files.write(tmp, bytes));
  }

  /** Streams the content into the target, readable as {@code access} says. */
  public static <E extends Exception> void write(Path target, Access access, StreamWriter<E> content) throws IOException, E {
    writeVia(target, access, tmp -> {
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        content.writeTo(out);
      }
    });
  }

  /** Renames a finished temporary file over {@code target}: atomically where the file system can, else a plain replace. */
  public static void moveIntoPlace(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Publishes a finished folder under its final name in one rename, so a reader sees all of it or
   * none; refuses to replace an existing {@code target}. {@code tmpDir} must be on the same file
   * system (a sibling), or the move is refused rather than copied.
   */
  public static void publishFolder(Path tmpDir, Path target) throws IOException {
    Files.move(tmpDir, target, StandardCopyOption.ATOMIC_MOVE);
  }

  /** A temporary file's filler; unlike {@link Writer} it may throw the caller's own checked exception. */
  @FunctionalInterface
  private interface Fill<E extends Exception> {
    void into(Path tmp) throws IOException, E;
  }

  private static <E extends Exception> void writeVia(Path target, Access access, Fill<E> fill) throws IOException, E {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = createTemp(dir, target, access);
    try {
      fill.into(tmp);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      moveIntoPlace(tmp, target);
    } catch (Throwable failed) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException cleanup) {
        failed.addSuppressed(cleanup);
      }
      throw failed;
    }
  }

  private static Path createTemp(Path dir, Path target, Access access) throws IOException {
    String prefix = "." + target.getFileName();
    return switch (access) {
      case PRIVATE -> Files.createTempFile(dir, prefix, ".partial");
      case OWNER_ONLY -> {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
          throw new IOException("cannot write " + target + " with owner-only permissions on this file system");
        }
        yield Files.createTempFile(dir, prefix, ".partial",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      // Created as any new file is, so the umask decides its mode (createTempFile would force 0600).
      case SHARED -> Files.createFile(dir.resolve(prefix + "." + Long.toUnsignedString(RANDOM.nextLong(), 16) + ".partial"));
    };
  }
}
