package org.secaimed.connector.provenance;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.secaimed.connector.receipt.DsseEnvelope;

/** The enclave's answer to {@code GET /v1/blobs/{blobId}/uses} (owner only): signed index, receipts with inclusion proofs, checkpoint. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InputUsesReport(String format, String blobId, String checkpoint, DsseEnvelope index, List<ModelProvenanceReport.Entry> entries) {
  public static final String FORMAT = "secaimed-input-uses-v1";

  public InputUsesReport {
    entries = entries == null ? List.of() : List.copyOf(entries);
  }
}
