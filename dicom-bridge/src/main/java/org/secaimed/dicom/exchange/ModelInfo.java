package org.secaimed.dicom.exchange;

import org.secaimed.connector.io.Digests;

/**
 * What the site learns about a model trained inside the enclave: its id (usable as the {@code model}
 * parameter of later tasks) and the digest ({@code sha256:<hex>}) of its bytes. The bytes themselves never leave.
 */
public record ModelInfo(String id, String digest, String trainedBy) {
  public ModelInfo {
    if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")) throw new IllegalArgumentException("bad model id: " + id);
    if (!Digests.isDigest(digest)) throw new IllegalArgumentException("model " + id + ": digest must be sha256:<64 lower-case hex>");
    if (trainedBy == null || trainedBy.isBlank()) throw new IllegalArgumentException("model " + id + ": trainedBy (algorithm id) is required");
  }
}
