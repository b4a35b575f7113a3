package org.secaimed.connector.attest;

import java.util.List;
import java.util.Objects;

/**
 * One piece of attestation evidence exactly as the gateway sent it (see docs/attestation.md).
 *
 * @param format one of {@code dev, sev-snp, azure-snp-hcl, tdx, sgx, ear, composite}
 * @param data the evidence bytes (report, quote, token, ...)
 * @param certificates DER certificates the verifier may use to build a chain (any order)
 * @param collateral extra signed material (Intel TCB info, QE identity, CRLs; dev signature)
 */
public record Evidence(String format, byte[] data, List<byte[]> certificates, List<byte[]> collateral) {
  public Evidence {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(data, "data");
    data = data.clone();
    certificates = certificates == null ? List.of() : certificates.stream().map(byte[]::clone).toList();
    collateral = collateral == null ? List.of() : collateral.stream().map(byte[]::clone).toList();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  @Override
  public List<byte[]> certificates() {
    return certificates.stream().map(byte[]::clone).toList();
  }

  @Override
  public List<byte[]> collateral() {
    return collateral.stream().map(byte[]::clone).toList();
  }
}
