package org.secaimed.connector.tlog;

import java.util.ArrayList;
import java.util.List;

/**
 * An append-only RFC 9162 Merkle tree over leaf hashes, producing roots and the proofs of
 * RFC 9162 §2.1.3.1 (inclusion) and §2.1.4.1 (consistency) for any earlier tree size.
 *
 * <p>Recomputes subtree hashes on demand (O(n) per proof): right for the dev enclave's logs of
 * thousands of entries; a production log would cache full subtrees (tiles). Not thread-safe.
 */
public final class MerkleTree {
  private final List<byte[]> leaves = new ArrayList<>();

  /** Appends a leaf hash (see {@link LogHashes#leafHash}) and returns its index. */
  public long append(byte[] leafHash) {
    if (leafHash.length != LogHashes.HASH_LENGTH) throw new IllegalArgumentException("leaf hash must be 32 bytes");
    leaves.add(leafHash.clone());
    return leaves.size() - 1L;
  }

  public long size() {
    return leaves.size();
  }

  public byte[] leafHash(long index) {
    return leaves.get(checkedIndex(index)).clone();
  }

  public byte[] root() {
    return root(size());
  }

  public byte[] root(long treeSize) {
    checkSize(treeSize);
    return treeSize == 0 ? LogHashes.emptyRoot() : mth(0, (int) treeSize);
  }

  /** PATH(m, D[n]) of RFC 9162 §2.1.3.1. */
  public List<byte[]> inclusionProof(long leafIndex, long treeSize) {
    checkSize(treeSize);
    if (leafIndex < 0 || leafIndex >= treeSize) {
      throw new IllegalArgumentException("leaf " + leafIndex + " is not in a tree of size " + treeSize);
    }
    List<byte[]> proof = new ArrayList<>();
    path((int) leafIndex, 0, (int) treeSize, proof);
    return proof;
  }

  /** PROOF(m, D[n]) of RFC 9162 §2.1.4.1, for 0 < m <= n. */
  public List<byte[]> consistencyProof(long fromSize, long toSize) {
    checkSize(toSize);
    if (fromSize < 1 || fromSize > toSize) {
      throw new IllegalArgumentException("no consistency proof from size " + fromSize + " to " + toSize);
    }
    List<byte[]> proof = new ArrayList<>();
    if (fromSize < toSize) subproof((int) fromSize, 0, (int) toSize, true, proof);
    return proof;
  }

  private void path(int m, int start, int n, List<byte[]> out) {
    if (n == 1) return;
    int k = largestPowerOfTwoBelow(n);
    if (m < k) {
      path(m, start, k, out);
      out.add(mth(start + k, n - k));
    } else {
      path(m - k, start + k, n - k, out);
      out.add(mth(start, k));
    }
  }

  private void subproof(int m, int start, int n, boolean completeSubtree, List<byte[]> out) {
    if (m == n) {
      if (!completeSubtree) out.add(mth(start, n));
      return;
    }
    int k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      subproof(m, start, k, completeSubtree, out);
      out.add(mth(start + k, n - k));
    } else {
      subproof(m - k, start + k, n - k, false, out);
      out.add(mth(start, k));
    }
  }

  private byte[] mth(int start, int n) {
    if (n == 1) return leaves.get(start);
    int k = largestPowerOfTwoBelow(n);
    return LogHashes.nodeHash(mth(start, k), mth(start + k, n - k));
  }

  static int largestPowerOfTwoBelow(int n) {
    return Integer.highestOneBit(n - 1);
  }

  private int checkedIndex(long index) {
    if (index < 0 || index >= leaves.size()) throw new IllegalArgumentException("no leaf " + index);
    return (int) index;
  }

  private void checkSize(long treeSize) {
    if (treeSize < 0 || treeSize > leaves.size()) {
      throw new IllegalArgumentException("tree size " + treeSize + " exceeds the log's " + leaves.size());
    }
  }
}
