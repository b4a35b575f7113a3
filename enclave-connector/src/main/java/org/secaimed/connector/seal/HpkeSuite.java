package org.secaimed.connector.seal;

import java.util.Locale;
import org.bouncycastle.crypto.hpke.HPKE;

/**
 * The HPKE (RFC 9180) cipher suites a sealed archive may use. All use HKDF-SHA256 and
 * AES-256-GCM; they differ in the key encapsulation. {@link #XWING} (post-quantum hybrid of
 * ML-KEM-768 and X25519) is the default because sealed studies must stay confidential for decades.
 */
public enum HpkeSuite {
  XWING("xwing-sha256-aes256gcm", HPKE.kem_X_WING),
  X25519("x25519-sha256-aes256gcm", HPKE.kem_X25519_SHA256),
  P256("p256-sha256-aes256gcm", HPKE.kem_P256_SHA256);

  /** The suite used when a caller does not choose one. */
  public static final HpkeSuite DEFAULT = XWING;

  static final short KDF_ID = HPKE.kdf_HKDF_SHA256;
  static final short AEAD_ID = HPKE.aead_AES_GCM256;

  private final String label;
  private final short kemId;

  HpkeSuite(String label, short kemId) {
    this.label = label;
    this.kemId = kemId;
  }

  /** The stable text name used in key files and the gateway API. */
  public String label() {
    return label;
  }

  /** The RFC 9180 / IANA KEM identifier written into archive headers. */
  public int kemId() {
    return kemId & 0xFFFF;
  }

  /** Accepts the label ("x25519-sha256-aes256gcm") or the enum name ("X25519"), case-insensitively. */
  public static HpkeSuite fromLabel(String label) {
    if (label != null) {
      for (HpkeSuite s : values()) {
        if (s.label.equalsIgnoreCase(label.trim()) || s.name().equalsIgnoreCase(label.trim())) return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown HPKE suite '" + label + "'; expected one of " + labels());
  }

  static HpkeSuite fromIds(int kemId, int kdfId, int aeadId) {
    if (kdfId != (KDF_ID & 0xFFFF) || aeadId != (AEAD_ID & 0xFFFF)) return null;
    for (HpkeSuite s : values()) {
      if (s.kemId() == kemId) return s;
    }
    return null;
  }

  static String labels() {
    StringBuilder b = new StringBuilder();
    for (HpkeSuite s : values()) b.append(b.length() == 0 ? "" : ", ").append(s.label);
    return b.toString();
  }

  /** A fresh HPKE instance (base mode); BC's HPKE objects are cheap and hold no per-message state. */
  HPKE hpke() {
    return new HPKE(HPKE.mode_base, kemId, KDF_ID, AEAD_ID);
  }

  @Override
  public String toString() {
    return label.toLowerCase(Locale.ROOT);
  }
}
