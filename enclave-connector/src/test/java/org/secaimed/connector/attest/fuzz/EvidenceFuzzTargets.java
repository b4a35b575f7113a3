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

  /**
   * A receipt bundle as an auditor receives it (issue #10 item 9): the JSON, its kept attestation
   * record and the anchor check. Only typed rejections may come out; nothing fuzzed may anchor.
   */
  static void receiptBundle(byte[] json) {
    org.secaimed.connector.receipt.ReceiptBundle b;
    try {
      b = org.secaimed.connector.receipt.Receipts.json().readValue(json, org.secaimed.connector.receipt.ReceiptBundle.class);
    } catch (java.io.IOException expected) {
      return;
    }
    if (b == null || b.attestation() == null || b.signingPublicKey() == null) return;
    org.secaimed.connector.receipt.TaskReceipt receipt = new org.secaimed.connector.receipt.TaskReceipt("task-fuzz", "segmentation",
        new org.secaimed.connector.receipt.TaskReceipt.Algorithm("a", "1", "sha256:" + "00".repeat(32)), List.of(), java.util.Map.of(),
        new org.secaimed.connector.receipt.TaskReceipt.Enclave("x", "00", false),
        new org.secaimed.connector.receipt.TaskReceipt.Attestation("00".repeat(32), "00".repeat(32)),
        "00".repeat(32), "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", List.of());
    try {
      org.secaimed.connector.receipt.ReceiptAnchor.verify(b, receipt, Policy.resource("policies/production-example.yaml"), AT.plusSeconds(86400L * 3650));
      throw new AssertionError("a fuzzed bundle anchored under the production policy");
    } catch (org.secaimed.connector.receipt.ReceiptException | PolicyException expected) {
      // typed rejection
    }
  }
}
