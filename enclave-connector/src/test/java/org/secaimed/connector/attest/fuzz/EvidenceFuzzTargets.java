package org.secaimed.connector.attest.fuzz;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.PolicyException;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.attest.validate.PolicyValidator;
import org.secaimed.connector.attest.verify.VerificationContext;
import org.secaimed.connector.attest.verify.VerifiedEvidence;
import org.secaimed.connector.attest.verify.Verifiers;
import org.secaimed.connector.attest.verify.dcap.DcapQuote;
import org.secaimed.connector.attest.verify.dev.DevEvidenceVerifier;
import org.secaimed.connector.attest.verify.snp.AzureHclReport;
import org.secaimed.connector.attest.verify.snp.SnpReport;

/**
 * The bodies of the fuzz targets, shared by the Jazzer tests and the deterministic mutation
 * test: each feeds arbitrary bytes to a parser or a whole verifier. The only exceptions allowed
 * out are the typed ones ({@link EvidenceFormatException}, {@link PolicyException}); a verifier
 * must also never call mangled evidence verified (checked against a policy-free invariant).
 */
final class EvidenceFuzzTargets {
  static final Instant AT = Instant.parse("2025-06-01T00:00:00Z");
  static final Verifiers VERIFIERS = Verifiers.standard();

  private EvidenceFuzzTargets() {}

  static void snpReport(byte[] data) {
    try {
      SnpReport.parse(data);
    } catch (EvidenceFormatException expected) {
      // typed rejection
    }
  }

  static void azureHcl(byte[] data) {
    try {
      AzureHclReport.parse(data).userData();
    } catch (EvidenceFormatException expected) {
      // typed rejection
    }
  }

  static void dcapQuote(byte[] data) {
    for (String format : List.of("tdx", "sgx")) {
      try {
        DcapQuote.parse(format, data);
      } catch (EvidenceFormatException expected) {
        // typed rejection
      }
    }
  }

  static void devEvidence(byte[] data) {
    try {
      DevEvidenceVerifier.DevClaims.parse(data);
    } catch (EvidenceFormatException expected) {
      // typed rejection
    }
  }

  /** A whole verifier (parser, chain building, collateral) on arbitrary data, certificates and collateral. */
  static VerifiedEvidence verify(String format, byte[] data, List<byte[]> certificates, List<byte[]> collateral) {
    VerifiedEvidence v = VERIFIERS.verify(new Evidence(format, data, certificates, collateral), VerificationContext.at(AT));
    try {
      new PolicyValidator(Policy.resource("policies/production-example.yaml")).validate(v, AT);
    } catch (PolicyException e) {
      throw new IllegalStateException(e);
    }
    return v;
  }

  /** Splits fuzzer bytes into data, certificate and collateral items (0xFF 0x00 separators). */
  static void verifySplit(String format, byte[] input) {
    List<byte[]> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i + 1 < input.length && parts.size() < 5; i++) {
      if (input[i] == (byte) 0xFF && input[i + 1] == 0) {
        parts.add(java.util.Arrays.copyOfRange(input, start, i));
        start = i + 2;
        i++;
      }
    }
    parts.add(java.util.Arrays.copyOfRange(input, start, input.length));
    byte[] data = parts.get(0);
    List<byte[]> certs = parts.size() > 1 ? List.of(parts.get(1)) : List.of();
    List<byte[]> coll = parts.size() > 2 ? parts.subList(2, parts.size()) : List.of();
    verify(format, data, certs, coll);
  }

  static void policy(byte[] yaml) {
    try {
      Policy.parse(new String(yaml, StandardCharsets.UTF_8));
    } catch (PolicyException expected) {
      // typed rejection
    }
  }
}
