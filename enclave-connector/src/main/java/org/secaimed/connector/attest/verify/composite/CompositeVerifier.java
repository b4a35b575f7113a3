package org.secaimed.connector.attest.verify.composite;

import java.security.MessageDigest;
import java.util.List;
import org.secaimed.connector.attest.Check;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.EvidenceJson;
import org.secaimed.connector.attest.verify.EvidenceVerifier;
import org.secaimed.connector.attest.verify.VerificationContext;
import org.secaimed.connector.attest.verify.VerifiedEvidence;
import org.secaimed.connector.attest.verify.Verifiers;

/**
 * {@code composite}: several evidences (e.g. CPU TEE + GPU) that must all verify and all bind
 * the same 64-byte report data. Data = UTF-8 JSON array of evidence objects; no nesting.
 */
public final class CompositeVerifier implements EvidenceVerifier {
  public static final String FORMAT = "composite";
  private final Verifiers verifiers;

  public CompositeVerifier(Verifiers verifiers) {
    this.verifiers = verifiers;
  }

  @Override
  public String format() {
    return FORMAT;
  }

  @Override
  public VerifiedEvidence verify(Evidence evidence, VerificationContext context) throws EvidenceFormatException {
    List<Evidence> parts = EvidenceJson.listFromJson(evidence.data(), FORMAT);
    if (parts.size() < 2) throw new EvidenceFormatException(FORMAT, "data", "a composite needs at least two parts");
    VerifiedEvidence.Builder r = VerifiedEvidence.builder(FORMAT);
    byte[] common = null;
    boolean sameBinding = true;
    for (int i = 0; i < parts.size(); i++) {
      Evidence p = parts.get(i);
      if (FORMAT.equals(p.format())) throw new EvidenceFormatException(FORMAT, "data[" + i + "].format", "composites do not nest");
      VerifiedEvidence v = verifiers.verify(p, context);
      r.part(v);
      for (Check c : v.checks()) {
        r.check(new Check("part[" + i + "]." + c.id(), "Part " + i + " (" + p.format() + "): " + c.description(), c.status(), c.detail()));
      }
      byte[] rd = v.reportData().orElse(null);
      if (rd == null) sameBinding = false;
      else if (common == null) common = rd;
      else if (!MessageDigest.isEqual(common, rd)) sameBinding = false;
      if (v.insecure()) r.insecure(true);
    }
    r.expect(sameBinding, "composite.same-binding", "All parts of the composite evidence bind the same keys and nonce",
        "the parts carry different (or missing) report data");
    if (sameBinding && common != null) r.reportData(common);
    r.claim("parts", parts.size());
    return r.build();
  }
}
