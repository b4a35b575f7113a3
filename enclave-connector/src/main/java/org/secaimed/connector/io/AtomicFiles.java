package org.secaimed.connector.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Write-then-rename, so a reader (or a restarted process) sees either the old file or the whole new
 * one, never a torn write. The temporary file sits in the target's folder (same file system, so the
 * rename is atomic) and is forced to disk before it replaces the target.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Fills a temporary file next to the target; it becomes the target only if this returns normally. */
  @FunctionalInterface
  public interface Writer {
    void write(Path tmp) throws IOException;
  }

  public static void write(Path target, Writer writer) throws IOException {
    write(target, writer, false);
  }

  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, tmp -> Files.write(tmp, bytes));
  }

  /** As {@link #write(Path, byte[])}, readable and writable by the owner only from the first byte on: for private keys. */
  public static void writeOwnerOnly(Path target, byte[] bytes) throws IOException {
    write(target, tmp -> Files.write(tmp, bytes), true);
  }

  /** Renames a finished temporary file over {@code target}: atomically where the file system can, else a plain replace. */
  public static void moveIntoPlace(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void write(Path target, Writer writer, boolean ownerOnly) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = ownerOnly ? ownerOnlyTempFile(dir, target) : Files.createTempFile(dir, "." + target.getFileName(), ".partial");
    try {
      writer.write(tmp);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      moveIntoPlace(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static Path ownerOnlyTempFile(Path dir, Path target) throws IOException {
    if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      throw new IOException("cannot write " + target + " with owner-only permissions on this file system");
    }
    return Files.createTempFile(dir, "." + target.getFileName(), ".partial",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
  }
}
