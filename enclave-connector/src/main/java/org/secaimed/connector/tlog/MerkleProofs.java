package org.secaimed.connector.tlog;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/** Verification of RFC 9162 inclusion (§2.1.3.2) and consistency (§2.1.4.2) proofs. */
public final class MerkleProofs {
  private MerkleProofs() {}

  /** Throws unless {@code proof} shows the leaf at {@code leafIndex} is in the tree with {@code root}. */
  public static void verifyInclusion(byte[] leafHash, long leafIndex, long treeSize, List<byte[]> proof, byte[] root)
      throws LogProofException {
    if (leafIndex < 0 || leafIndex >= treeSize) {
      throw new LogProofException("inclusion: leaf index " + leafIndex + " outside tree size " + treeSize);
    }
    checkHashes(proof, "inclusion");
    long fn = leafIndex;
    long sn = treeSize - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      if (sn == 0) throw new LogProofException("inclusion: proof longer than the tree is deep");
      if ((fn & 1) == 1 || fn == sn) {
        r = LogHashes.nodeHash(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = LogHashes.nodeHash(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) throw new LogProofException("inclusion: proof shorter than the tree is deep");
    if (!MessageDigest.isEqual(r, root)) {
      throw new LogProofException("inclusion: leaf " + leafIndex + " does not lead to the checkpoint's root of size " + treeSize);
    }
  }

  /** Throws unless {@code proof} shows the tree of {@code toSize} extends the tree of {@code fromSize}. */
  public static void verifyConsistency(long fromSize, long toSize, byte[] fromRoot, byte[] toRoot, List<byte[]> proof)
      throws LogProofException {
    if (fromSize < 1 || fromSize > toSize) {
      throw new LogProofException("consistency: cannot prove size " + fromSize + " against size " + toSize);
    }
    checkHashes(proof, "consistency");
    if (fromSize == toSize) {
      if (!proof.isEmpty()) throw new LogProofException("consistency: equal sizes need an empty proof");
      if (!MessageDigest.isEqual(fromRoot, toRoot)) {
        throw new LogProofException("consistency: two different roots for the same size " + toSize + " (forked log)");
      }
      return;
    }
    if (proof.isEmpty()) throw new LogProofException("consistency: empty proof");
    List<byte[]> path = new ArrayList<>(proof);
    if (Long.bitCount(fromSize) == 1) path.add(0, fromRoot);
    long fn = fromSize - 1;
    long sn = toSize - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    for (byte[] c : path.subList(1, path.size())) {
      if (sn == 0) throw new LogProofException("consistency: proof too long");
      if ((fn & 1) == 1 || fn == sn) {
        fr = LogHashes.nodeHash(c, fr);
        sr = LogHashes.nodeHash(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        sr = LogHashes.nodeHash(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) throw new LogProofException("consistency: proof too short");
    if (!MessageDigest.isEqual(fr, fromRoot)) {
      throw new LogProofException("consistency: the stored checkpoint of size " + fromSize + " is not a prefix of the log (rewritten or forked)");
    }
    if (!MessageDigest.isEqual(sr, toRoot)) {
      throw new LogProofException("consistency: proof does not lead to the new checkpoint's root of size " + toSize);
    }
  }

  private static void checkHashes(List<byte[]> proof, String what) throws LogProofException {
    if (proof.size() > 64) throw new LogProofException(what + ": proof has " + proof.size() + " hashes (max 64)");
    for (byte[] h : proof) {
      if (h == null || h.length != LogHashes.HASH_LENGTH) throw new LogProofException(what + ": proof hash is not 32 bytes");
    }
  }
}
