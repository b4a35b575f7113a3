package org.secaimed.connector.provider;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.secaimed.connector.receipt.DsseEnvelope;
import org.secaimed.connector.receipt.ReceiptException;
import org.secaimed.connector.tlog.Checkpoint;
import org.secaimed.connector.tlog.LogHashes;
import org.secaimed.connector.tlog.LogProofException;
import org.secaimed.connector.tlog.MerkleProofs;
import org.secaimed.connector.tlog.SignedCheckpoints;

/**
 * The provider's check of a usage report for its licence: every entry is signed by the attested
 * enclave key, names the licence, and is included in the log under a checkpoint signed by the same
 * key; uses are numbered 1..N without gaps in all and per site (an entry the gateway hides shows
 * as a missing number); and, given the checkpoint the provider stored last time, the log only grew.
 */
public final class LicenceAudit {
  private LicenceAudit() {}

  /** One logged entry with its leaf index and inclusion proof at the report's checkpoint. */
  public record Item(DsseEnvelope envelope, long leafIndex, List<byte[]> inclusionProof) {}

  /** What the enclave returns for {@code GET licence usage}: entries in log order and the signed checkpoint they are proven against. */
  public record Report(String licenceDigest, String checkpoint, List<Item> entries) {}

  /** The verified uses (in log order), whether the licence was revoked, and the checkpoint verified. */
  public record Verified(List<LicenceLogEntry> uses, boolean revoked, Checkpoint checkpoint, boolean consistencyChecked) {}

  /**
   * Verifies {@code report} under the attested enclave signing key. With {@code stored} (a signed
   * checkpoint the provider kept) and its {@code consistencyProof}, also proves the log grew from it.
   */
  public static Verified verify(Report report, PublicKey enclaveKey, String stored, List<byte[]> consistencyProof) throws LogProofException {
    String origin = SignedCheckpoints.originFor(enclaveKey);
    Checkpoint cp = SignedCheckpoints.open(report.checkpoint(), origin, enclaveKey);
    List<LicenceLogEntry> uses = new ArrayList<>();
    Map<String, Long> siteRuns = new HashMap<>();
    boolean revoked = false;
    long lastIndex = -1;
    for (Item it : report.entries()) {
      if (it.leafIndex() <= lastIndex) throw new LogProofException("report entries are not in log order");
      lastIndex = it.leafIndex();
      LicenceLogEntry e;
      byte[] leaf;
      try {
        e = LicenceLogEntry.open(it.envelope(), enclaveKey);
        leaf = it.envelope().logLeafInput();
      } catch (ReceiptException x) {
        throw new LogProofException("entry at leaf " + it.leafIndex() + ": " + x.getMessage(), x);
      }
      if (!report.licenceDigest().equals(e.licenceDigest())) throw new LogProofException("entry at leaf " + it.leafIndex() + " is for another licence");
      MerkleProofs.verifyInclusion(LogHashes.leafHash(leaf), it.leafIndex(), cp.size(), it.inclusionProof(), cp.rootHash());
      if (e.isRevoke()) {
        revoked = true;
        continue;
      }
      if (e.run() == null || e.run() != uses.size() + 1) {
        throw new LogProofException("use " + e.run() + " follows use " + uses.size() + ": the report omits a use of this licence");
      }
      long expectedSiteRun = siteRuns.merge(e.site(), 1L, Long::sum);
      if (e.siteRun() == null || e.siteRun() != expectedSiteRun) {
        throw new LogProofException("site use " + e.siteRun() + " of site " + e.site() + " should be " + expectedSiteRun + ": a use is missing");
      }
      uses.add(e);
    }
    boolean consistency = false;
    if (stored != null) {
      Checkpoint old = SignedCheckpoints.open(stored, origin, enclaveKey);
      if (old.size() == 0) {
        // Every log extends the empty one; RFC 9162 has no proof for it, only the empty root to check.
        if (!java.util.Arrays.equals(old.rootHash(), LogHashes.emptyRoot())) throw new LogProofException("a stored empty checkpoint must have the empty root");
      } else if (old.size() > cp.size()) {
        throw new LogProofException("the log shrank from " + old.size() + " to " + cp.size() + " entries since the stored checkpoint");
      } else if (old.size() == cp.size()) {
        if (!java.util.Arrays.equals(old.rootHash(), cp.rootHash())) throw new LogProofException("the log forked: same size, another root");
      } else {
        MerkleProofs.verifyConsistency(old.size(), cp.size(), old.rootHash(), cp.rootHash(), consistencyProof);
      }
      consistency = true;
    }
    return new Verified(List.copyOf(uses), revoked, cp, consistency);
  }
}
