package org.secaimed.enclave.server.attest;

/**
 * One report from configfs-tsm.
 *
 * @param provider the kernel driver that produced it: {@code sev_guest} (AMD SEV-SNP) or {@code tdx_guest} (Intel TDX)
 * @param outblob the SNP attestation report or the TDX quote
 * @param auxblob SEV-SNP: the certificate table (VCEK/VLEK, ASK, ARK) the host provisioned; empty otherwise
 */
public record TsmReport(String provider, byte[] outblob, byte[] auxblob) {
  public static final String SEV_GUEST = "sev_guest";
  public static final String TDX_GUEST = "tdx_guest";

  public TsmReport {
    outblob = outblob.clone();
    auxblob = auxblob == null ? new byte[0] : auxblob.clone();
  }

  @Override
  public byte[] outblob() {
    return outblob.clone();
  }

  @Override
  public byte[] auxblob() {
    return auxblob.clone();
  }
}
