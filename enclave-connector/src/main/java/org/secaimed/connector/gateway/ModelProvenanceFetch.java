package org.secaimed.connector.gateway;

import java.io.IOException;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.secaimed.connector.provenance.Lineage;
import org.secaimed.connector.provenance.ModelProvenanceReport;
import org.secaimed.connector.provenance.ModelProvenanceVerifier;
import org.secaimed.connector.provenance.ProvenanceEvidence;
import org.secaimed.connector.provenance.ProvenanceException;
import org.secaimed.connector.receipt.AttestationRecord;
import org.secaimed.connector.receipt.Receipts;
import org.secaimed.connector.tlog.Checkpoint;
import org.secaimed.connector.tlog.LogProofException;
import org.secaimed.connector.tlog.SignedCheckpoints;

/**
 * The online half of {@link GatewaySession#modelProvenance}: under the checkpoint store's lease,
 * fetch the report and the consistency proof from the pinned checkpoint, verify everything, and
 * only then move the pin forward — the same discipline as a result's receipt ({@link LogVerification}).
 */
final class ModelProvenanceFetch {
  private ModelProvenanceFetch() {}

  static GatewaySession.Provenance fetch(GatewayClient client, CheckpointStore store, AttestedEnclave enclave, String party, String modelId,
      ModelProvenanceVerifier.Site site, Clock clock) throws GatewayException, IOException, ProvenanceException {
    String origin = SignedCheckpoints.originFor(enclave.signingKey());
    try (CheckpointStore.Lease lease = store == null ? null : store.lease(origin)) {
      if (lease != null) {
        try {
          lease.requireFollowed();
        } catch (CheckpointStoreException e) {
          throw new ProvenanceException(ProvenanceException.Step.CHECKPOINT, "log origin", e.getMessage(), e);
        }
      }
      ModelProvenanceReport report;
      try {
        report = Receipts.json().readValue(client.modelProvenance(modelId), ModelProvenanceReport.class);
      } catch (com.fasterxml.jackson.core.JacksonException e) {
        throw new ProvenanceException(ProvenanceException.Step.MALFORMED, "provenance of " + modelId, "the gateway's answer is not a report: "
            + e.getOriginalMessage(), e);
      }
      String pinned = lease == null ? null : lease.current().orElse(null);
      List<String> proof = pinned == null ? List.of() : consistencyProof(client, pinned, report.checkpoint(), origin, enclave);
      ProvenanceEvidence evidence = new ProvenanceEvidence(ProvenanceEvidence.FORMAT, modelId, party, clock.instant().toString(),
          Base64.getEncoder().encodeToString(enclave.signingKey().getEncoded()), AttestationRecord.of(enclave.outcome()), pinned, proof, report);
      Lineage lineage = ModelProvenanceVerifier.verify(evidence, site);
      if (lease != null) lease.advance(report.checkpoint());
      return new GatewaySession.Provenance(evidence, lineage);
    }
  }

  static org.secaimed.connector.provenance.InputUses.Verified inputUses(GatewayClient client, CheckpointStore store, AttestedEnclave enclave,
      String party, String blobId) throws GatewayException, IOException, ProvenanceException {
    String origin = SignedCheckpoints.originFor(enclave.signingKey());
    try (CheckpointStore.Lease lease = store == null ? null : store.lease(origin)) {
      if (lease != null) {
        try {
          lease.requireFollowed();
        } catch (CheckpointStoreException e) {
          throw new ProvenanceException(ProvenanceException.Step.CHECKPOINT, "log origin", e.getMessage(), e);
        }
      }
      org.secaimed.connector.provenance.InputUsesReport report;
      try {
        report = Receipts.json().readValue(client.inputUses(blobId), org.secaimed.connector.provenance.InputUsesReport.class);
      } catch (com.fasterxml.jackson.core.JacksonException e) {
        throw new ProvenanceException(ProvenanceException.Step.MALFORMED, "uses of " + blobId, "the gateway's answer is not a report: "
            + e.getOriginalMessage(), e);
      }
      String pinned = lease == null ? null : lease.current().orElse(null);
      List<String> proof = pinned == null ? List.of() : consistencyProof(client, pinned, report.checkpoint(), origin, enclave);
      var verified = org.secaimed.connector.provenance.InputUses.verify(report, enclave.signingKey(), pinned, proof, party);
      if (lease != null) lease.advance(report.checkpoint());
      return verified;
    }
  }

  /** The gateway's proof from the pinned size to the report's; sizes it cannot prove are left to the verifier to refuse. */
  private static List<String> consistencyProof(GatewayClient client, String pinned, String note, String origin, AttestedEnclave enclave)
      throws GatewayException {
    try {
      Checkpoint from = SignedCheckpoints.open(pinned, origin, enclave.signingKey());
      Checkpoint to = SignedCheckpoints.open(note, origin, enclave.signingKey());
      if (from.size() >= to.size()) return List.of();
      var c = client.consistencyProof(from.size(), to.size());
      return c.getHashes();
    } catch (LogProofException e) {
      return List.of();
    }
  }
}
