package org.secaimed.connector.attest.verify.snp;

import java.util.LinkedHashMap;
import java.util.Map;

/** A TCB_VERSION (u64, bytes little-endian), decoded per product: Milan/Genoa and Turin differ. */
public record TcbVersion(long raw, SnpProduct product) {
  public int fmc() {
    return product.turinLayout() ? b(0) : -1;
  }

  public int bootLoader() {
    return product.turinLayout() ? b(1) : b(0);
  }

  public int tee() {
    return product.turinLayout() ? b(2) : b(1);
  }

  public int snp() {
    return product.turinLayout() ? b(3) : b(6);
  }

  public int microcode() {
    return b(7);
  }

  private int b(int i) {
    return (int) (raw >>> (8 * i) & 0xff);
  }

  /** Components by policy name: bootLoader, tee, snp, microcode (+ fmc on Turin). */
  public Map<String, Integer> components() {
    Map<String, Integer> m = new LinkedHashMap<>();
    if (product.turinLayout()) m.put("fmc", fmc());
    m.put("bootLoader", bootLoader());
    m.put("tee", tee());
    m.put("snp", snp());
    m.put("microcode", microcode());
    return m;
  }
}
