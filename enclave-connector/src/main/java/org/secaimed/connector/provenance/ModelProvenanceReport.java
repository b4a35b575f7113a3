package org.secaimed.connector.provenance;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.secaimed.connector.party.ModelPolicy;
import org.secaimed.connector.party.SignedPolicy;
import org.secaimed.connector.receipt.DsseEnvelope;

/**
 * What the enclave answers to {@code GET /v1/models/{id}/provenance} (docs/provenance.md): the
 * model's derived policy, the owner-signed policies of its training inputs, every receipt about it
 * with its inclusion proof at one signed checkpoint, the signed index of those receipts and the
 * model-signing statement over the model's files. Nothing in it is trusted until
 * {@link ModelProvenanceVerifier} checked it against the attested key.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelProvenanceReport(String format, String modelId, ModelPolicy modelPolicy, List<SignedPolicy> inputPolicies,
    String checkpoint, DsseEnvelope index, List<Entry> entries, DsseEnvelope modelSignature) {
  public static final String FORMAT = "secaimed-model-provenance-v1";

  /** A receipt and its inclusion proof (base64 hashes) at the report's checkpoint. */
  public record Entry(String taskId, long leafIndex, DsseEnvelope envelope, List<String> inclusionProof) {
    public Entry {
      inclusionProof = inclusionProof == null ? List.of() : List.copyOf(inclusionProof);
    }
  }

  public ModelProvenanceReport {
    inputPolicies = inputPolicies == null ? List.of() : List.copyOf(inputPolicies);
    entries = entries == null ? List.of() : List.copyOf(entries);
  }
}
