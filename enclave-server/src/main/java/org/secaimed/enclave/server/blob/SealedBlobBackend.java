package org.secaimed.enclave.server.blob;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Where completed sealed blobs live when not on the VM's own volume (S3 on the untrusted host's
 * side). Holds ciphertext only and is not trusted: {@link BlobStore} checks every blob it reads
 * back against its content address before anything opens it.
 */
public interface SealedBlobBackend {
  /** Stores {@code file} under {@code name}; storing the same name twice is harmless (same content). */
  void put(String name, Path file) throws IOException;

  /** Copies the object into {@code target}; false when there is none. */
  boolean get(String name, Path target) throws IOException;

  /** The stored object's length, or empty when there is none. */
  OptionalLong length(String name) throws IOException;

  /** Number of objects stored. */
  long count() throws IOException;

  /** Where the blobs go, for the start-up banner (never credentials). */
  String describe();
}
