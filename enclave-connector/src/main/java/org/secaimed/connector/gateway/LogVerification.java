package org.secaimed.connector.gateway;

import java.io.IOException;
import java.security.PublicKey;
import java.util.List;
import org.secaimed.connector.receipt.DsseEnvelope;
import org.secaimed.connector.receipt.ReceiptBundle;
import org.secaimed.connector.receipt.ReceiptException;
import org.secaimed.connector.receipt.ReceiptVerifier;
import org.secaimed.connector.gateway.generated.model.ConsistencyProof;
import org.secaimed.connector.tlog.Checkpoint;
import org.secaimed.connector.tlog.LogProofException;
import org.secaimed.connector.tlog.MerkleProofs;
import org.secaimed.connector.tlog.SignedCheckpoints;

/**
 * The log half of {@link GatewaySession#fetchVerified}: the gateway's checkpoint is signed by the
 * attested key, includes the receipt, and is consistent with the site's stored checkpoint of the
 * same origin — then it becomes the stored one. All of it happens under the store's lease, so
 * concurrent runs verify one after the other and the stored checkpoint only moves forward.
 */
final class LogVerification {
  private LogVerification() {}

  record Verified(String note, List<String> inclusionHashes, ReceiptBundle.Consistency consistency) {}

  /** {@code store} may be null (no memory between calls: consistency is not checked). */
  static Verified verify(GatewayClient client, CheckpointStore store, PublicKey key, DsseEnvelope env, long leafIndex)
      throws GatewayException, IOException {
    String origin = SignedCheckpoints.originFor(key);
    try (CheckpointStore.Lease lease = store == null ? null : store.lease(origin)) {
      if (lease != null) {
        try {
          lease.requireFollowed();
        } catch (CheckpointStoreException e) {
          throw new ResultVerificationException("log-origin", e.getMessage(), e);
        }
      }
      String note = client.checkpoint();
      Checkpoint cp = open(note, origin, key, "checkpoint");
      if (leafIndex >= cp.size()) {
        throw new ResultVerificationException("inclusion", "leaf " + leafIndex + " is beyond the checkpoint size " + cp.size(), null);
      }
      String stored = lease == null ? null : lease.current().orElse(null);
      Checkpoint prev = stored == null ? null : open(stored, origin, key, "stored-checkpoint");
      // Both proofs are asked for at once (one round trip, not two) and checked in the same order as before.
      Prefetch<ConsistencyProof> consistencyCall = prev != null && prev.size() < cp.size()
          ? Prefetch.start(() -> client.consistencyProof(prev.size(), cp.size())) : null;
      List<String> incHashes;
      ReceiptBundle.Consistency consistency;
      try {
        incHashes = inclusion(client, env, leafIndex, cp);
        consistency = prev == null ? null : consistency(stored, prev, cp, consistencyCall == null ? null : consistencyCall.get());
      } finally {
        if (consistencyCall != null) consistencyCall.cancel(); // a no-op once answered
      }
      if (lease != null) {
        try {
          lease.advance(note);
        } catch (CheckpointStoreException e) {
          throw new ResultVerificationException("consistency", e.getMessage(), e);
        }
      }
      return new Verified(note, incHashes, consistency);
    }
  }

  private static List<String> inclusion(GatewayClient client, DsseEnvelope env, long leafIndex, Checkpoint cp)
      throws GatewayException {
    var inc = client.inclusionProof(leafIndex, cp.size());
    try {
      if (inc.getLeafIndex() != leafIndex || inc.getTreeSize() != cp.size()) throw new LogProofException("proof is for another leaf or size");
      ReceiptVerifier.verifyInclusion(env, leafIndex, cp, ReceiptVerifier.decode(inc.getHashes()));
    } catch (LogProofException | ReceiptException e) {
      throw new ResultVerificationException("inclusion", e.getMessage(), e);
    }
    return inc.getHashes();
  }

  /** {@code proof}: the gateway's consistency proof from {@code prev} to {@code cp}, null when their sizes are equal or the log shrank. */
  private static ReceiptBundle.Consistency consistency(String stored, Checkpoint prev, Checkpoint cp, ConsistencyProof proof)
      throws GatewayException {
    try {
      if (prev.size() > cp.size()) {
        throw new LogProofException("the log shrank from " + prev.size() + " to " + cp.size() + " (rolled back)");
      }
      List<String> hashes = List.of();
      if (prev.size() < cp.size()) {
        if (proof.getFromSize() != prev.size() || proof.getToSize() != cp.size()) throw new LogProofException("proof is for other sizes");
        hashes = proof.getHashes();
      }
      MerkleProofs.verifyConsistency(prev.size(), cp.size(), prev.rootHash(), cp.rootHash(), ReceiptVerifier.decode(hashes));
      return new ReceiptBundle.Consistency(stored, hashes);
    } catch (LogProofException e) {
      throw new ResultVerificationException("consistency", e.getMessage(), e);
    }
  }

  private static Checkpoint open(String note, String origin, PublicKey key, String step) throws ResultVerificationException {
    try {
      return SignedCheckpoints.open(note, origin, key);
    } catch (LogProofException e) {
      throw new ResultVerificationException(step, e.getMessage(), e);
    }
  }
}
