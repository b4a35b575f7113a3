package org.secaimed.enclave.server.attest;

import org.secaimed.connector.SecaimedFailure;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.receipt.TaskReceipt;

/**
 * Where the enclave's evidence comes from: the TEE (configfs-tsm for SEV-SNP or TDX in a
 * confidential VM) or, for development only, software ({@code dev}, INSECURE). The server computes
 * the 64-byte report data that binds its keys to the client's nonce ({@code KeyBinding}); a provider
 * only has to get that exact value into a report the hardware signs.
 */
public interface EvidenceProvider {
  /** Report data is always this long (SEV-SNP REPORT_DATA, TDX REPORTDATA, configfs-tsm inblob). */
  int REPORT_DATA_BYTES = 64;

  /** The provider's configuration name ({@code dev}, {@code configfs-tsm}). */
  String name();

  /**
   * Evidence whose report data equals {@code reportData}.
   *
   * @throws EvidenceUnavailableException when the platform cannot produce a report now
   */
  Evidence issue(byte[] reportData);

  /** What receipts say about this enclave: platform, launch measurement and whether it is insecure. */
  TaskReceipt.Enclave enclave();

  /**
   * What every log line of the server starts with. DESIGN §6 invariant 7: every line of the
   * software {@code dev} provider says INSECURE; a hardware provider's lines must not, or operators
   * learn to ignore the word.
   */
  default String logPrefix() {
    return DEV.equals(name()) || enclave().insecure() ? "INSECURE dev enclave: " : "enclave: ";
  }

  /** The configuration name of the software provider (INSECURE, development only). */
  String DEV = "dev";

  /** Thrown when a configured provider cannot produce evidence; the server refuses to start or to attest. */
  final class EvidenceUnavailableException extends RuntimeException implements SecaimedFailure {
    @Override
    public String code() {
      return "EVIDENCE_UNAVAILABLE";
    }

    private static final long serialVersionUID = 1L;

    public EvidenceUnavailableException(String message) {
      super(message);
    }

    public EvidenceUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
