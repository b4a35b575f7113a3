package org.secaimed.connector.attest.verify.snp;

import java.util.Objects;

/**
 * The ARK each product's chain must end in, by SHA-256 of its DER. {@link #AMD} is the only
 * value production code reaches: AMD's fingerprints, compiled into {@link SnpProduct}. No policy
 * field, command-line option or public API accepts another root. A simulated root exists only for
 * tests, through the package-private {@link #replacing}, which test sources in this package call
 * (see the test-jar's {@code SimulatedAmdSnp}).
 */
final class ArkPins {
  static final ArkPins AMD = new ArkPins(null, null);

  private final SnpProduct product;
  private final String sha256;

  private ArkPins(SnpProduct product, String sha256) {
    this.product = product;
    this.sha256 = sha256;
  }

  /** Tests only: {@code product}'s chain must end in the simulated ARK with this fingerprint instead of AMD's. */
  static ArkPins replacing(SnpProduct product, String sha256) {
    return new ArkPins(Objects.requireNonNull(product), Objects.requireNonNull(sha256));
  }

  String arkSha256(SnpProduct p) {
    return p == product ? sha256 : p.arkSha256();
  }
}
