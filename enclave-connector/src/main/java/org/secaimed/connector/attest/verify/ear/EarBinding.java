package org.secaimed.connector.attest.verify.ear;

import com.nimbusds.jose.util.Base64URL;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Where an attestation result carries the 64-byte key binding, per verifier profile. The token
 * is only as good as what the verifier checked: the binding must be a value the verifier read
 * from (and checked against) the TEE's hardware evidence, not one the requester merely echoed.
 * <ul>
 *   <li>Veraison ({@value #VERAISON}): {@code eat_nonce}, which Veraison's challenge-response
 *       flow requires the TEE evidence to carry as its report data.
 *   <li>CoCo Trustee ({@value #TRUSTEE}): every submod's
 *       {@code ear.veraison.annotated-evidence.report_data}, the report data Trustee parsed out of
 *       the hardware report it verified; all submods that carry one must agree.
 * </ul>
 * Any other profile has no known binding location, so the binding check fails closed.
 */
final class EarBinding {
  static final String VERAISON = "tag:github.com,2023:veraison/ear";
  static final String TRUSTEE = "tag:github.com,2024:confidential-containers/Trustee";

  private EarBinding() {}

  /** The 64 bytes bound by the token, or empty when the profile is unknown or the value is absent or malformed. */
  static Optional<byte[]> of(Object profile, Map<String, Object> claims) {
    if (VERAISON.equals(profile)) return eatNonce(claims.get("eat_nonce"));
    if (TRUSTEE.equals(profile)) return trusteeReportData(claims.get("submods"));
    return Optional.empty();
  }

  static String location(Object profile) {
    if (VERAISON.equals(profile)) return "eat_nonce";
    if (TRUSTEE.equals(profile)) return "submods.*.ear.veraison.annotated-evidence.report_data";
    return "unknown for profile " + profile;
  }

  private static Optional<byte[]> eatNonce(Object nonce) {
    if (!(nonce instanceof String n)) return Optional.empty();
    try {
      byte[] b = new Base64URL(n).decode();
      return b.length == 64 ? Optional.of(b) : Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<byte[]> trusteeReportData(Object submods) {
    if (!(submods instanceof Map<?, ?> sm) || sm.isEmpty()) return Optional.empty();
    byte[] found = null;
    for (Object submod : sm.values()) {
      if (!(submod instanceof Map<?, ?> s) || !(s.get("ear.veraison.annotated-evidence") instanceof Map<?, ?> ev)) continue;
      if (!(ev.get("report_data") instanceof String hex)) continue;
      byte[] b;
      try {
        b = HexFormat.of().parseHex(hex);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
      if (b.length != 64 || (found != null && !java.security.MessageDigest.isEqual(found, b))) return Optional.empty();
      found = b;
    }
    return Optional.ofNullable(found);
  }
}
