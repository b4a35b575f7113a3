package org.secaimed.connector.tlog;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A log checkpoint body in the C2SP tlog-checkpoint format: origin line, decimal tree size,
 * base64 root hash, each followed by a newline. Extension lines are not used here and rejected.
 */
public record Checkpoint(String origin, long size, byte[] rootHash) {
  public Checkpoint {
    if (origin == null || origin.isBlank() || origin.contains("\n")) throw new IllegalArgumentException("bad checkpoint origin");
    if (size < 0) throw new IllegalArgumentException("negative tree size");
    if (rootHash == null || rootHash.length != LogHashes.HASH_LENGTH) throw new IllegalArgumentException("root hash must be 32 bytes");
    rootHash = rootHash.clone();
  }

  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  public String body() {
    return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(rootHash) + "\n";
  }

  public static Checkpoint parseBody(String body) throws LogProofException {
    if (!body.endsWith("\n")) throw new LogProofException("checkpoint: body must end with a newline");
    String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
    if (lines.length != 3) throw new LogProofException("checkpoint: expected 3 lines (origin, size, root), got " + lines.length);
    long size;
    try {
      size = Long.parseLong(lines[1]);
      if (size < 0 || !lines[1].equals(Long.toString(size))) throw new NumberFormatException();
    } catch (NumberFormatException e) {
      throw new LogProofException("checkpoint: tree size is not a canonical decimal: " + lines[1]);
    }
    byte[] root;
    try {
      root = Base64.getDecoder().decode(lines[2]);
    } catch (IllegalArgumentException e) {
      throw new LogProofException("checkpoint: root hash is not base64");
    }
    if (root.length != LogHashes.HASH_LENGTH) throw new LogProofException("checkpoint: root hash is not 32 bytes");
    try {
      return new Checkpoint(lines[0], size, root);
    } catch (IllegalArgumentException e) {
      throw new LogProofException("checkpoint: " + e.getMessage());
    }
  }

  public byte[] bodyBytes() {
    return body().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "Checkpoint[" + origin + ", size " + size + ", root " + HexFormat.of().formatHex(rootHash) + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c && c.origin.equals(origin) && c.size == size && java.util.Arrays.equals(c.rootHash, rootHash);
  }

  @Override
  public int hashCode() {
    return origin.hashCode() * 31 + Long.hashCode(size);
  }
}
