package org.secaimed.connector.attest.collateral;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.secaimed.connector.attest.Check;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.verify.VerificationContext;
import org.secaimed.connector.attest.verify.VerifiedEvidence;
import org.secaimed.connector.attest.verify.Vectors;
import org.secaimed.connector.attest.verify.Verifiers;
import org.secaimed.connector.attest.verify.dcap.SignedJson;
import org.secaimed.connector.io.RetryPolicy;

/**
 * Jazzer targets for what the site reads from AMD KDS / Intel PCS and from its own store: the
 * response checks (certificates, PEM chains, CRLs, TCB info, QE identity), the headers
 * (Cache-Control, Retry-After), stored entries, and Intel collateral edited inside real vectors
 * and verified with the real quote. {@code mvn test} replays the corpus; {@code scripts/fuzz
 * CollateralResponsesFuzzTest} fuzzes.
 */
class CollateralResponsesFuzzTest {
  static final Instant AT = Instant.parse("2023-06-20T00:00:00Z");

  /** Any bytes as any kind: only a typed BAD_RESPONSE, and freshness never throws. */
  @FuzzTest(maxDuration = "60s")
  void responses(byte[] data) {
    for (CollateralKind kind : CollateralKind.values()) {
      try {
        CollateralResponses.check("fuzz/item", kind, data, null);
      } catch (CollateralException e) {
        assertThat(e.reason()).isEqualTo(CollateralException.Reason.BAD_RESPONSE);
      }
      CollateralResponses.nextUpdate(kind, data);
      CollateralResponses.freshUntil(kind, data, null, AT, Duration.ofDays(1));
    }
  }

  /** Header values as a server may send them. */
  @FuzzTest(maxDuration = "30s")
  void headers(FuzzedDataProvider in) {
    String cacheControl = in.consumeString(200);
    String retryAfter = in.consumeRemainingAsString();
    CollateralResponses.maxAge(cacheControl).ifPresent(d -> assertThat(d.isNegative()).isFalse());
    new CollateralHttp(RetryPolicy.none(), Duration.ofMinutes(1), d -> {}, Clock.fixed(AT, ZoneOffset.UTC))
        .retryAfter(retryAfter).ifPresent(d -> assertThat(d.isNegative()).isFalse());
    try {
      CollateralResponses.check("fuzz/chain", CollateralKind.CRL, Vectors.bytes("tdx/pckcrl_platform.der"), retryAfter);
    } catch (CollateralException e) {
      assertThat(e.reason()).isEqualTo(CollateralException.Reason.BAD_RESPONSE);
    }
  }

  /** A store file with any content: returned or CORRUPT_CACHE, never another exception. */
  @FuzzTest(maxDuration = "30s")
  void storeEntry(byte[] data) throws Exception {
    Path dir = Files.createTempDirectory("collateral-fuzz");
    try {
      Files.createDirectories(dir.resolve("intel"));
      Files.write(dir.resolve("intel/rootcrl.json"), data);
      try {
        new CollateralStore(dir).read("intel/rootcrl");
      } catch (CollateralException e) {
        assertThat(e.reason()).isEqualTo(CollateralException.Reason.CORRUPT_CACHE);
      }
    } finally {
      try (var s = Files.walk(dir)) {
        for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Structure-aware: edits one of the real Intel collateral items of the TDX v4 vector and verifies
   * the real quote with it. Only typed errors; and a passing TCB info / QE identity signature
   * means the signed bytes are exactly Intel's.
   */
  @FuzzTest(maxDuration = "120s")
  void intelCollateralEdits(FuzzedDataProvider in) {
    List<byte[]> items = Holder.ITEMS;
    int which = in.consumeInt(0, items.size() - 1);
    byte[] original = items.get(which);
    byte[] edited = original.clone();
    int edits = in.consumeInt(0, 6);
    for (int i = 0; i < edits; i++) edited[in.consumeInt(0, edited.length - 1)] = in.consumeByte();
    if (in.consumeBoolean()) edited = Arrays.copyOf(edited, in.consumeInt(0, edited.length + 32));
    List<byte[]> collateral = new java.util.ArrayList<>(items);
    collateral.set(which, edited);
    VerifiedEvidence v;
    try {
      v = Verifiers.standard().verify(new Evidence("tdx", Holder.QUOTE, Holder.CHAIN, collateral), VerificationContext.at(AT));
    } catch (RuntimeException e) {
      throw new AssertionError("untyped failure on edited collateral[" + which + "]", e);
    }
    String member = which == 0 ? "tcbInfo" : which == 1 ? "enclaveIdentity" : null;
    String check = which == 0 ? "dcap.tcb-info-signature" : "dcap.qe-identity-signature";
    if (member != null && v.checks().stream().anyMatch(c -> c.id().equals(check) && c.status() == Check.Status.PASS)) {
      try {
        assertThat(SignedJson.parse("tdx", "x", edited, member).rawBody()).isEqualTo(SignedJson.parse("tdx", "x", original, member).rawBody());
      } catch (EvidenceFormatException e) {
        throw new AssertionError("signature passed on collateral that does not parse", e);
      }
    }
  }

  /** The real vector, read once per JVM in place from ../shared/testdata. */
  private static final class Holder {
    static final byte[] QUOTE = Vectors.bytes("tdx/quote_v4_spr_e4.dat");
    static final List<byte[]> CHAIN = Vectors.certs("tdx/tcb_signing_chain.pem");
    static final List<byte[]> ITEMS = List.of(Vectors.bytes("tdx/tcbinfo_tdx_50806f000000.json"), Vectors.bytes("tdx/qe_identity_td_qe_2023.json"),
        Vectors.bytes("tdx/pckcrl_platform.der"), Vectors.bytes("tdx/intel_sgx_root_ca_crl.der"),
        Vectors.bytes("tdx/pck_platform_ca_chain.pem"));
  }
}
