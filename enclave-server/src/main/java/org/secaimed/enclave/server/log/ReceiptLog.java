package org.secaimed.enclave.server.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.util.List;
import org.secaimed.connector.tlog.Checkpoint;
import org.secaimed.connector.tlog.LogHashes;
import org.secaimed.connector.tlog.MerkleTree;
import org.secaimed.connector.tlog.SignedCheckpoints;

/**
 * The transparency log of receipts: an append-only file of 32-byte leaf hashes
 * ({@code log/leaves}, fsynced per append), an in-memory RFC 9162 tree rebuilt on start, and
 * checkpoints signed by the attested signing key under the origin that key names.
 */
public final class ReceiptLog {
  private final Path leavesFile;
  private final KeyPair signingKey;
  private final String origin;
  private final MerkleTree tree = new MerkleTree();

  public ReceiptLog(Path dir, KeyPair signingKey) throws IOException {
    this.leavesFile = dir.resolve("leaves");
    this.signingKey = signingKey;
    this.origin = SignedCheckpoints.originFor(signingKey.getPublic());
    if (Files.exists(leavesFile)) {
      byte[] all = Files.readAllBytes(leavesFile);
      // A crash mid-append leaves a partial hash at the end: drop it (it was never acknowledged).
      int whole = all.length / LogHashes.HASH_LENGTH;
      for (int i = 0; i < whole; i++) {
        byte[] h = new byte[LogHashes.HASH_LENGTH];
        System.arraycopy(all, i * LogHashes.HASH_LENGTH, h, 0, h.length);
        tree.append(h);
      }
      if (all.length != whole * LogHashes.HASH_LENGTH) {
        try (FileChannel ch = FileChannel.open(leavesFile, StandardOpenOption.WRITE)) {
          ch.truncate((long) whole * LogHashes.HASH_LENGTH);
        }
      }
    }
  }

  /** Appends the leaf for {@code leafInput} durably and returns its index. */
  public synchronized long append(byte[] leafInput) throws IOException {
    byte[] h = LogHashes.leafHash(leafInput);
    try (FileChannel ch = FileChannel.open(leavesFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap(h));
      ch.force(false);
    }
    return tree.append(h);
  }

  /** The index of the latest leaf for {@code leafInput}, or -1 if the log does not hold it. */
  public synchronized long indexOf(byte[] leafInput) {
    byte[] h = LogHashes.leafHash(leafInput);
    for (long i = tree.size() - 1; i >= 0; i--) {
      if (java.util.Arrays.equals(tree.leafHash(i), h)) return i;
    }
    return -1;
  }

  public synchronized String signedCheckpoint() {
    return SignedCheckpoints.sign(new Checkpoint(origin, tree.size(), tree.root()), signingKey.getPrivate(), signingKey.getPublic());
  }

  public synchronized List<byte[]> inclusionProof(long leafIndex, long treeSize) {
    return tree.inclusionProof(leafIndex, treeSize);
  }

  public synchronized List<byte[]> consistencyProof(long fromSize, long toSize) {
    return tree.consistencyProof(fromSize, toSize);
  }

  public synchronized long size() {
    return tree.size();
  }

  public String origin() {
    return origin;
  }
}
