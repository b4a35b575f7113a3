package org.secaimed.connector.attest;

import org.secaimed.connector.io.Digests;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.secaimed.connector.attest.collateral.CollateralException;
import org.secaimed.connector.attest.collateral.CollateralProvider;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.attest.validate.PolicyValidator;
import org.secaimed.connector.attest.verify.Hex;
import org.secaimed.connector.attest.verify.VerificationContext;
import org.secaimed.connector.attest.verify.VerifiedEvidence;
import org.secaimed.connector.attest.verify.Verifiers;

/**
 * The entry point the gateway client calls before releasing any data: verify every evidence
 * (genuine?), validate it against the policy (acceptable?), and check that each binds the
 * offered keys and this client's fresh nonce. Fails closed: no evidence, an unknown format or
 * any failed check means not accepted.
 */
public final class EnclaveAttestation {
  private final Verifiers verifiers;
  private final CollateralProvider collateral;

  /**
   * Verifies the collateral that came with the evidence as it is: only for re-verifying a recorded
   * attestation (whose collateral the site chose at the time) and for tests. A live gateway's
   * evidence goes through {@link #site(CollateralProvider)}.
   */
  public EnclaveAttestation() {
    this(Verifiers.standard());
  }

  /** The standard verifiers with the site's own collateral ({@link CollateralProvider#none()}: fail closed). */
  public static EnclaveAttestation site(CollateralProvider collateral) {
    return new EnclaveAttestation(Verifiers.standard(), java.util.Objects.requireNonNull(collateral, "collateral"));
  }

  /** See {@link #EnclaveAttestation()}: the evidence's own collateral, for tests and recorded attestations. */
  public EnclaveAttestation(Verifiers verifiers) {
    this(verifiers, null);
  }

  /**
   * With the site's own collateral: the gateway's certificates and collateral are only a hint,
   * replaced by what {@code collateral} fetched or cached (docs/attestation.md). Null: verify
   * what the gateway sent (the policy's revocation and currency rules still judge it).
   */
  public EnclaveAttestation(Verifiers verifiers, CollateralProvider collateral) {
    this.verifiers = verifiers;
    this.collateral = collateral;
  }

  public AttestationOutcome attest(List<Evidence> evidence, AttestedKeys keys, byte[] nonce, Policy policy, Clock clock) {
    Instant at = clock.instant();
    List<Check> checks = new ArrayList<>();
    List<VerifiedEvidence> verified = new ArrayList<>();
    byte[] expected = KeyBinding.reportData(keys, nonce);
    if (evidence == null || evidence.isEmpty()) {
      checks.add(new Check("evidence.present", "The gateway presented attestation evidence", Check.Status.FAIL, "no evidence"));
    }
    VerificationContext context = new VerificationContext(at, policy.earVerifierKeys());
    PolicyValidator validator = new PolicyValidator(policy);
    checks.add(validator.kemSuite(keys.kemSuite()));
    List<Evidence> hints = evidence == null ? List.of() : evidence;
    List<Evidence> list = new ArrayList<>();
    for (int i = 0; i < hints.size(); i++) {
      String prefix = hints.size() == 1 ? "" : "evidence[" + i + "].";
      Evidence e = siteCollateral(hints.get(i), at, policy, prefix, checks);
      list.add(e);
      VerifiedEvidence v = verifiers.verify(e, context);
      verified.add(v);
      v.checks().forEach(c -> checks.add(prefixed(prefix, c)));
      validator.validate(v, at).forEach(c -> checks.add(prefixed(prefix, c)));
      boolean bound = v.verified() && v.reportData().map(rd -> MessageDigest.isEqual(rd, expected)).orElse(false);
      checks.add(new Check(prefix + "binding.keys-and-nonce",
          "The evidence binds the enclave's encryption and signing keys and this client's fresh nonce",
          bound ? Check.Status.PASS : Check.Status.FAIL,
          bound ? "" : !v.verified() ? "evidence not verified" : v.reportData().isEmpty() ? "the evidence carries no report data"
              : "report data does not match the key binding (v2) of these keys and this nonce: stale, replayed or for other keys"));
    }
    return new AttestationOutcome(checks, verified, keys, evidenceDigest(list), policy.digest(), at, list, nonce);
  }

  /** The evidence with the site's collateral in place of the gateway's; on failure a FAIL check (and the hint, still verified for the report). */
  private Evidence siteCollateral(Evidence hint, Instant at, Policy policy, String prefix, List<Check> checks) {
    if (collateral == null || !CollateralProvider.needsCollateral(hint.format())) return hint; // dev, ear: nothing to fetch
    String description = "The site fetched or cached its own collateral (AMD KDS / Intel PCS); the gateway's is only a hint";
    try {
      CollateralProvider.Resolution r = collateral.resolve(hint, at, policy.document().staleCollateralGrace());
      checks.add(new Check(prefix + "collateral.site", description, Check.Status.PASS,
          r.sources().isEmpty() ? "nothing to fetch for " + hint.format() : String.join(", ", r.sources())));
      return r.evidence();
    } catch (CollateralException e) {
      checks.add(new Check(prefix + "collateral.site", description, Check.Status.FAIL, e.getMessage()));
      return hint;
    }
  }

  private static Check prefixed(String prefix, Check c) {
    return prefix.isEmpty() ? c : new Check(prefix + c.id(), c.description(), c.status(), c.detail());
  }

  /**
   * SHA-256 over the canonical encoding: for each evidence, in order, the format, data, each
   * certificate and each collateral item, every field as a 4-byte big-endian length then bytes
   * (lists are preceded by their 4-byte count). Data is in canonical form: a DCAP quote is cut
   * to its declared length; SNP reports with non-zero unsigned bytes do not verify at all.
   */
  public static String evidenceDigest(List<Evidence> evidence) {
    try {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(buf);
      out.writeInt(evidence.size());
      for (Evidence e : evidence) {
        field(out, e.format().getBytes(StandardCharsets.UTF_8));
        field(out, "tdx".equals(e.format()) || "sgx".equals(e.format())
            ? org.secaimed.connector.attest.verify.dcap.DcapQuote.canonical(e.format(), e.data()) : e.data());
        out.writeInt(e.certificates().size());
        for (byte[] c : e.certificates()) field(out, c);
        out.writeInt(e.collateral().size());
        for (byte[] c : e.collateral()) field(out, c);
      }
      return Digests.sha256Hex(buf.toByteArray());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void field(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }
}
