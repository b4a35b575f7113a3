package org.secaimed.connector.attest.verify.snp;

import java.util.Locale;
import java.util.Optional;

/**
 * AMD EPYC product lines with their pinned ARK (AMD Root Key) fingerprints: SHA-256 of the
 * certificate DER as served by AMD KDS (verified against the KDS copies, see docs/attestation.md).
 */
public enum SnpProduct {
  MILAN("Milan", "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd"),
  GENOA("Genoa", "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1"),
  TURIN("Turin", "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a");

  private final String label;
  private final String arkSha256;

  SnpProduct(String label, String arkSha256) {
    this.label = label;
    this.arkSha256 = arkSha256;
  }

  public String label() {
    return label;
  }

  public String arkSha256() {
    return arkSha256;
  }

  /** Turin lays out TCB_VERSION differently and uses an 8-byte hwID. */
  public boolean turinLayout() {
    return this == TURIN;
  }

  /** From the CPUID family/model in a v3+ report; empty when unknown or not reported. */
  public static Optional<SnpProduct> fromCpuid(int family, int model) {
    if (family == 0x19 && model <= 0x0F) return Optional.of(MILAN);
    if (family == 0x19 && (model >= 0x10 && model <= 0x1F || model >= 0xA0 && model <= 0xAF)) return Optional.of(GENOA);
    if (family == 0x1A && model <= 0x1F) return Optional.of(TURIN);
    return Optional.empty();
  }

  /** From a VCEK productName ("Milan-B0") or an ASK/ASVK common name ("SEV-Milan", "SEV-VLEK-Genoa"). */
  public static Optional<SnpProduct> fromName(String name) {
    if (name == null) return Optional.empty();
    String n = name.toLowerCase(Locale.ROOT);
    for (SnpProduct p : values()) {
      String l = p.label.toLowerCase(Locale.ROOT);
      if (n.equals(l) || n.startsWith(l + "-") || n.endsWith("-" + l)) return Optional.of(p);
    }
    return Optional.empty();
  }
}
