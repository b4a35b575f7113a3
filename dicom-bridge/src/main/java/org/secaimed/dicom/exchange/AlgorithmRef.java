package org.secaimed.dicom.exchange;

import org.secaimed.connector.io.Digests;
import java.util.Objects;

/**
 * Which algorithm produced a result: catalogue id, version and digest of its code or model, written
 * {@code sha256:<64 lower-case hex>} as in the gateway API.
 */
public record AlgorithmRef(String id, String version, String digest) {
  public AlgorithmRef {
    if (id == null || id.isBlank()) throw new IllegalArgumentException("algorithm id is required");
    if (version == null || version.isBlank()) throw new IllegalArgumentException("algorithm " + id + ": version is required");
    Objects.requireNonNull(digest, () -> "algorithm " + id + ": digest is required");
    if (!Digests.isDigest(digest)) throw new IllegalArgumentException("algorithm " + id + ": digest must be sha256:<64 lower-case hex>");
  }
}
