package org.secaimed.connector.receipt;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.secaimed.connector.tlog.Checkpoint;
import org.secaimed.connector.tlog.Ed25519;
import org.secaimed.connector.tlog.LogHashes;
import org.secaimed.connector.tlog.LogProofException;
import org.secaimed.connector.tlog.MerkleProofs;
import org.secaimed.connector.tlog.SignedCheckpoints;

/**
 * Verifies a {@link ReceiptBundle}: the envelope's signature under the signing key, the
 * checkpoint's signature by the same key's log, the receipt's inclusion in that checkpoint and,
 * given the checkpoint the site stored earlier, that the log only grew since (no fork, no rewrite).
 */
public final class ReceiptVerifier {
  private ReceiptVerifier() {}

  /** What a verified bundle proves. */
  public record Verified(TaskReceipt receipt, Checkpoint checkpoint, boolean consistencyChecked) {}

  public static Verified verify(ReceiptBundle bundle, String storedCheckpointNote) throws ReceiptException {
    PublicKey key;
    try {
      key = Ed25519.publicKey(Base64.getDecoder().decode(bundle.signingPublicKey()));
    } catch (IllegalArgumentException e) {
      throw new ReceiptException(ReceiptException.Reason.MALFORMED, "signingPublicKey: " + e.getMessage());
    }
    TaskReceipt receipt = Receipts.open(bundle.envelope(), key);
    String origin = SignedCheckpoints.originFor(key);
    try {
      Checkpoint cp = SignedCheckpoints.open(bundle.checkpoint(), origin, key);
      verifyInclusion(bundle.envelope(), bundle.leafIndex(), cp, decode(bundle.inclusionProof()));
      boolean consistency = false;
      if (storedCheckpointNote != null) {
        Checkpoint stored = SignedCheckpoints.open(storedCheckpointNote, origin, key);
        verifyConsistency(stored, cp, bundle.consistency());
        consistency = true;
      }
      return new Verified(receipt, cp, consistency);
    } catch (LogProofException e) {
      throw new ReceiptException(ReceiptException.Reason.LOG, e.getMessage(), e);
    }
  }

  public static void verifyInclusion(DsseEnvelope envelope, long leafIndex, Checkpoint cp, List<byte[]> proof)
      throws ReceiptException, LogProofException {
    byte[] leaf = LogHashes.leafHash(envelope.logLeafInput());
    MerkleProofs.verifyInclusion(leaf, leafIndex, cp.size(), proof, cp.rootHash());
  }

  private static void verifyConsistency(Checkpoint stored, Checkpoint cp, ReceiptBundle.Consistency c) throws LogProofException {
    if (stored.size() > cp.size()) {
      throw new LogProofException("consistency: the stored checkpoint (size " + stored.size()
          + ") is newer than the bundle's (size " + cp.size() + "); verify online against the current checkpoint");
    }
    List<byte[]> proof = List.of();
    if (stored.size() < cp.size()) {
      if (c == null) throw new LogProofException("consistency: bundle carries no consistency proof from size " + stored.size());
      proof = decode(c.proof());
    }
    MerkleProofs.verifyConsistency(stored.size(), cp.size(), stored.rootHash(), cp.rootHash(), proof);
  }

  public static List<byte[]> decode(List<String> hashes) throws LogProofException {
    List<byte[]> out = new ArrayList<>(hashes.size());
    try {
      for (String h : hashes) out.add(Base64.getDecoder().decode(h));
    } catch (IllegalArgumentException e) {
      throw new LogProofException("proof hash is not base64");
    }
    return out;
  }
}
