package org.secaimed.connector.attest;

import java.util.Objects;

/**
 * The enclave keys the gateway claims its evidence binds: the HPKE key the site seals to and
 * the key that signs receipts.
 *
 * @param kemSuite HPKE suite label, e.g. {@code xwing-sha256-aes256gcm}
 * @param kemPublicKey HPKE-serialised public key bytes
 * @param signingAlg {@code Ed25519}
 * @param signingPublicKey X.509 SubjectPublicKeyInfo DER
 */
public record AttestedKeys(String kemSuite, byte[] kemPublicKey, String signingAlg, byte[] signingPublicKey) {
  public AttestedKeys {
    Objects.requireNonNull(kemSuite, "kemSuite");
    Objects.requireNonNull(signingAlg, "signingAlg");
    kemPublicKey = Objects.requireNonNull(kemPublicKey, "kemPublicKey").clone();
    signingPublicKey = Objects.requireNonNull(signingPublicKey, "signingPublicKey").clone();
  }

  @Override
  public byte[] kemPublicKey() {
    return kemPublicKey.clone();
  }

  @Override
  public byte[] signingPublicKey() {
    return signingPublicKey.clone();
  }
}
