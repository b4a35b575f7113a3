package org.secaimed.connector.provenance;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.secaimed.connector.io.AtomicFiles;
import org.secaimed.connector.receipt.AttestationRecord;
import org.secaimed.connector.receipt.Receipts;

/**
 * Everything needed to verify a model's provenance again, offline and years later
 * (docs/provenance.md, "Retention"): the enclave's report, the attested signing key with the
 * attestation that bound it (evidence, keys, nonce, time), the checkpoint the site had pinned
 * before and the consistency proof from it to the report's checkpoint, and who fetched it when.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProvenanceEvidence(String format, String modelId, String site, String fetchedAt, String signingPublicKey,
    AttestationRecord attestation, String pinnedCheckpoint, List<String> consistencyProof, ModelProvenanceReport report) {
  public static final String FORMAT = "secaimed-provenance-evidence-v1";

  public ProvenanceEvidence {
    consistencyProof = consistencyProof == null ? List.of() : List.copyOf(consistencyProof);
  }

  public static ProvenanceEvidence read(Path file) throws ProvenanceException {
    try {
      ProvenanceEvidence e = Receipts.json().readValue(file.toFile(), ProvenanceEvidence.class);
      if (!FORMAT.equals(e.format()) || e.report() == null || e.signingPublicKey() == null) {
        throw new ProvenanceException(ProvenanceException.Step.MALFORMED, file.getFileName().toString(),
            "not " + FORMAT + " (format, report and signingPublicKey are required)");
      }
      return e;
    } catch (IOException e) {
      throw new ProvenanceException(ProvenanceException.Step.MALFORMED, file.getFileName().toString(), "not JSON: " + e.getMessage(), e);
    }
  }

  /** Atomic write: a crash never leaves half an evidence file. */
  public void write(Path file) throws IOException {
    AtomicFiles.write(file, tmp -> Receipts.json().writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), this));
  }
}
