package org.secaimed.connector.attest.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.attest.AttestationOutcome;
import org.secaimed.connector.attest.AttestedKeys;
import org.secaimed.connector.attest.Check;
import org.secaimed.connector.attest.EnclaveAttestation;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.PolicyException;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.attest.verify.VerificationContext;
import org.secaimed.connector.attest.verify.VerifiedEvidence;
import org.secaimed.connector.attest.verify.Vectors;
import org.secaimed.connector.attest.verify.Verifiers;
import org.secaimed.connector.io.RetryPolicy;

/**
 * Issue #10 item 5: the site fetches and caches its own collateral from (a local server answering
 * like) AMD KDS and Intel PCS, with the real vectors; the gateway's collateral is only a hint.
 */
class SiteCollateralTest {
  /** Inside the TDX v4 collateral's validity (TCB info 2023-06-18..07-18, QE identity and PCK CRL ..07-08). */
  static final Instant T0 = Instant.parse("2023-06-20T00:00:00Z");
  static final Instant SNP_AT = Instant.parse("2026-11-22T00:00:00Z");
  static final String TCB_PATH = "/tdx/certification/v4/tcb?fmspc=50806f000000";

  @TempDir Path dir;
  LocalKdsPcs server;
  final List<Duration> slept = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = new LocalKdsPcs("public, max-age=3600");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  SiteCollateral site(SiteCollateral.Mode mode) {
    return SiteCollateral.builder(dir.resolve("store")).mode(mode).endpoints(server.base(), server.base(), server.rootCrl())
        .http(new CollateralHttp(new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(4)), Duration.ofSeconds(60), slept::add,
            Clock.fixed(T0, ZoneOffset.UTC)))
        .build();
  }

  static Evidence tdxHint(List<byte[]> collateral) {
    return new Evidence("tdx", Vectors.bytes("tdx/quote_v4_spr_e4.dat"), List.of(), collateral);
  }

  static VerifiedEvidence verify(Evidence e, Instant at) {
    return Verifiers.standard().verify(e, VerificationContext.at(at));
  }

  static Check.Status status(VerifiedEvidence v, String id) {
    return v.checks().stream().filter(c -> c.id().equals(id)).findFirst().map(Check::status).orElse(null);
  }

  @Test
  void coldFetchGivesEveryIntelItemAndTheQuoteVerifiesWithoutGatewayCollateral() throws Exception {
    // On the old code the gateway's empty collateral is all there is: no QE identity, so not verified.
    assertThat(status(verify(tdxHint(List.of()), T0), "dcap.qe-identity")).isEqualTo(Check.Status.FAIL);

    var r = site(SiteCollateral.Mode.ONLINE).resolve(tdxHint(List.of()), T0, Duration.ZERO);
    assertThat(server.requests).containsExactly(TCB_PATH, "/tdx/certification/v4/qe/identity",
        "/sgx/certification/v4/pckcrl?ca=platform&encoding=der", "/IntelSGXRootCA.der");
    VerifiedEvidence v = verify(r.evidence(), T0);
    assertThat(v.failedCheck()).isEmpty();
    assertThat(status(v, "dcap.qe-identity")).isEqualTo(Check.Status.PASS);
    assertThat(status(v, "dcap.tcb-info-signature")).isEqualTo(Check.Status.PASS);
    assertThat(status(v, "dcap.not-revoked")).isEqualTo(Check.Status.PASS);
    assertThat(v.collateral().revocationChecked()).isTrue();
    assertThat(v.collateralCurrent()).contains(true);
    assertThat(r.sources()).allMatch(s -> s.endsWith("(fetched)"));
    assertThat(new CollateralStore(dir.resolve("store")).keys())
        .containsExactly("intel/pckcrl-platform", "intel/rootcrl", "intel/tdx/qe-identity", "intel/tdx/tcb-50806f000000");
  }

  @Test
  void theGatewaysCollateralIsOnlyAHint() throws Exception {
    // The gateway pushes another platform's TCB info and a second QE identity: on the old code that is its choice to make.
    List<byte[]> pushed = List.of(Vectors.bytes("tdx/tcbinfo_tdx_90c06f000000_v5.json"), Vectors.bytes("tdx/qe_identity_td_qe_2023.json"),
        Vectors.bytes("tdx/qe_identity_td_qe_2023.json"));
    assertThat(verify(tdxHint(pushed), T0).verified()).isFalse();
    var r = site(SiteCollateral.Mode.ONLINE).resolve(tdxHint(pushed), T0, Duration.ZERO);
    assertThat(r.evidence().collateral()).noneMatch(c -> java.util.Arrays.equals(c, pushed.get(0)));
    assertThat(verify(r.evidence(), T0).failedCheck()).isEmpty();
  }

  @Test
  void aWarmCacheMakesNoRequest() throws Exception {
    SiteCollateral site = site(SiteCollateral.Mode.ONLINE);
    site.resolve(tdxHint(List.of()), T0, Duration.ZERO);
    server.requests.clear();
    var r = site.resolve(tdxHint(List.of()), T0.plus(Duration.ofMinutes(59)), Duration.ZERO);
    assertThat(server.requests).isEmpty();
    assertThat(r.sources()).allMatch(s -> s.endsWith("(cached)"));
    assertThat(verify(r.evidence(), T0).failedCheck()).isEmpty();
    // Past max-age (1 h) each item is asked for again.
    site.resolve(tdxHint(List.of()), T0.plus(Duration.ofMinutes(61)), Duration.ZERO);
    assertThat(server.requests).hasSize(4);
  }

  @Test
  void nextUpdateEndsFreshnessEvenWithALongMaxAge() throws Exception {
    server.close();
    server = new LocalKdsPcs("max-age=31536000");
    SiteCollateral site = site(SiteCollateral.Mode.ONLINE);
    site.resolve(tdxHint(List.of()), T0, Duration.ZERO);
    server.requests.clear();
    // QE identity and PCK CRL: nextUpdate 2023-07-08; TCB info 07-18; Root CA CRL 2024-04-02.
    site.resolve(tdxHint(List.of()), Instant.parse("2023-07-09T00:00:00Z"), Duration.ZERO);
    assertThat(server.requests).containsExactly("/tdx/certification/v4/qe/identity", "/sgx/certification/v4/pckcrl?ca=platform&encoding=der");
  }

  @Test
  void http429IsRetriedAfterTheServersRetryAfter() throws Exception {
    server.script(TCB_PATH, LocalKdsPcs.status(429, Map.of("Retry-After", "7")), LocalKdsPcs.status(503, Map.of()));
    var r = site(SiteCollateral.Mode.ONLINE).resolve(tdxHint(List.of()), T0, Duration.ZERO);
    assertThat(server.requests.stream().filter(TCB_PATH::equals)).hasSize(3);
    // 7 s as asked (more than the 1 s back-off), then the policy's own back-off (2 s) for the 503 without Retry-After.
    assertThat(slept).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(2));
    assertThat(verify(r.evidence(), T0).failedCheck()).isEmpty();
  }

  @Test
  void aServerAskingForTooLongIsATypedErrorAtOnce() {
    server.script(TCB_PATH, LocalKdsPcs.status(429, Map.of("Retry-After", "3600")));
    assertThatThrownBy(() -> site(SiteCollateral.Mode.ONLINE).resolve(tdxHint(List.of()), T0, Duration.ZERO))
        .isInstanceOfSatisfying(CollateralException.class, e -> {
          assertThat(e.reason()).isEqualTo(CollateralException.Reason.THROTTLED);
          assertThat(e.item()).isEqualTo("intel/tdx/tcb-50806f000000");
        }).hasMessageContaining("retry after 3600 s");
    assertThat(slept).isEmpty();
  }

  @Test
  void serverDownServesStaleWithinTheGraceAndATypedErrorBeyondIt() throws Exception {
    SiteCollateral site = site(SiteCollateral.Mode.ONLINE);
    site.resolve(tdxHint(List.of()), T0, Duration.ZERO);
    server.stop();
    var r = site.resolve(tdxHint(List.of()), T0.plus(Duration.ofHours(3)), Duration.ofHours(4));
    assertThat(r.sources()).allMatch(s -> s.contains("stale since") && s.contains("served within the grace"));
    assertThat(verify(r.evidence(), T0).failedCheck()).isEmpty();
    assertThatThrownBy(() -> site.resolve(tdxHint(List.of()), T0.plus(Duration.ofHours(6)), Duration.ofHours(4)))
        .isInstanceOfSatisfying(CollateralException.class, e -> assertThat(e.reason()).isEqualTo(CollateralException.Reason.UNAVAILABLE))
        .hasMessageContaining("beyond the policy's staleCollateralGrace PT4H");
    // No grace at all (the default): stale is never served.
    assertThatThrownBy(() -> site.resolve(tdxHint(List.of()), T0.plus(Duration.ofHours(2)), Duration.ZERO))
        .isInstanceOf(CollateralException.class);
  }

  @Test
  void offlineModeServesTheSeededStoreAndNeverTouchesTheNetwork() throws Exception {
    site(SiteCollateral.Mode.ONLINE).resolve(tdxHint(List.of()), T0, Duration.ZERO); // seeding on a connected machine
    server.requests.clear();
    SiteCollateral offline = site(SiteCollateral.Mode.OFFLINE);
    var r = offline.resolve(tdxHint(List.of()), T0.plus(Duration.ofDays(10)), Duration.ZERO);
    assertThat(r.sources()).allMatch(s -> s.endsWith("(offline store)"));
    assertThat(verify(r.evidence(), T0).failedCheck()).isEmpty();
    Evidence snp = new Evidence("sev-snp", Vectors.bytes("sev-snp/azure-genoa/report.bin"), List.of(), List.of());
    assertThatThrownBy(() -> offline.resolve(snp, SNP_AT, Duration.ZERO)).isInstanceOfSatisfying(CollateralException.class,
        e -> assertThat(e.reason()).isEqualTo(CollateralException.Reason.NOT_IN_OFFLINE_STORE)).hasMessageContaining("amd/Genoa/vcek/cert_chain");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void aTamperedCacheFileIsDetected() throws Exception {
    site(SiteCollateral.Mode.ONLINE).resolve(tdxHint(List.of()), T0, Duration.ZERO);
    Path file = dir.resolve("store/intel/tdx/tcb-50806f000000.json");
    String json = Files.readString(file);
    String body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("body").asText();
    byte[] raw = java.util.Base64.getDecoder().decode(body);
    raw[raw.length / 2] ^= 1;
    Files.writeString(file, json.replace(body, java.util.Base64.getEncoder().encodeToString(raw)));
    server.requests.clear();
    assertThatThrownBy(() -> site(SiteCollateral.Mode.OFFLINE).resolve(tdxHint(List.of()), T0, Duration.ZERO))
        .isInstanceOfSatisfying(CollateralException.class, e -> assertThat(e.reason()).isEqualTo(CollateralException.Reason.CORRUPT_CACHE))
        .hasMessageContaining("does not match its recorded SHA-256");
    // Online, the damaged entry is never served: it is fetched again and replaced.
    var r = site(SiteCollateral.Mode.ONLINE).resolve(tdxHint(List.of()), T0, Duration.ZERO);
    assertThat(server.requests).containsExactly(TCB_PATH);
    assertThat(verify(r.evidence(), T0).failedCheck()).isEmpty();
    assertThat(new CollateralStore(dir.resolve("store")).read("intel/tdx/tcb-50806f000000")).isPresent();
  }

  @Test
  void aWrongAnswerIsATypedErrorAndIsNotCached() throws Exception {
    server.script(TCB_PATH, LocalKdsPcs.ok("text/html", "<html>maintenance</html>".getBytes(StandardCharsets.US_ASCII), Map.of()));
    assertThatThrownBy(() -> site(SiteCollateral.Mode.ONLINE).resolve(tdxHint(List.of()), T0, Duration.ZERO))
        .isInstanceOfSatisfying(CollateralException.class, e -> assertThat(e.reason()).isEqualTo(CollateralException.Reason.BAD_RESPONSE));
    assertThat(new CollateralStore(dir.resolve("store")).read("intel/tdx/tcb-50806f000000")).isEmpty();
  }

  @Test
  void snpVcekAndChainComeFromKdsAndTheVcekIsCachedForEver() throws Exception {
    Evidence hint = new Evidence("sev-snp", Vectors.bytes("sev-snp/azure-genoa/report.bin"), List.of(), List.of());
    SiteCollateral site = site(SiteCollateral.Mode.ONLINE);
    var r = site.resolve(hint, SNP_AT, Duration.ZERO);
    assertThat(server.requests).contains("/vcek/v1/Genoa/cert_chain", "/vcek/v1/Genoa/crl")
        .anyMatch(p -> p.startsWith("/vcek/v1/Genoa/") && p.endsWith("?blSPL=10&teeSPL=0&snpSPL=23&ucodeSPL=84"));
    VerifiedEvidence v = verify(r.evidence(), SNP_AT);
    for (String id : List.of("snp.ark-pinned", "snp.ask-signed-by-ark", "snp.vcek-signed-by-ask", "snp.chip-id", "snp.reported-tcb-matches-key",
        "snp.report-signature")) {
      assertThat(status(v, id)).as(id).isEqualTo(Check.Status.PASS);
    }
    // Simulated CRL (no real AMD CRL in the vectors): fetched and judged, and rightly refused as not signed by the ARK.
    assertThat(status(v, "snp.not-revoked")).isEqualTo(Check.Status.FAIL);
    server.requests.clear();
    site.resolve(hint, SNP_AT.plus(Duration.ofDays(400)), Duration.ZERO);
    assertThat(server.requests).containsExactly("/vcek/v1/Genoa/cert_chain", "/vcek/v1/Genoa/crl");
  }

  @Test
  void aVlekIsNotFetchableSoTheGatewaysCopyIsCheckedAgainstTheFetchedChain() throws Exception {
    Evidence hint = new Evidence("sev-snp", Vectors.bytes("sev-snp/trustee-milan-vlek/report.bin"),
        Vectors.certs("sev-snp/trustee-milan-vlek/vlek.der"), List.of());
    Instant at = Instant.parse("2025-06-01T00:00:00Z");
    var r = site(SiteCollateral.Mode.ONLINE).resolve(hint, at, Duration.ZERO);
    assertThat(server.requests).containsExactly("/vlek/v1/Milan/cert_chain", "/vlek/v1/Milan/crl");
    VerifiedEvidence v = verify(r.evidence(), at);
    assertThat(status(v, "snp.vcek-signed-by-ask")).isEqualTo(Check.Status.PASS);
    assertThat(status(v, "snp.report-signature")).isEqualTo(Check.Status.PASS);
  }

  @Test
  void aVersion2ReportWithoutAProductHintIsNotFetchable() throws Exception {
    Evidence hint = new Evidence("sev-snp", Vectors.bytes("sev-snp/gsg-milan-vcek/report.bin"), List.of(), List.of());
    assertThatThrownBy(() -> site(SiteCollateral.Mode.ONLINE).resolve(hint, SNP_AT, Duration.ZERO))
        .isInstanceOfSatisfying(CollateralException.class, e -> assertThat(e.reason()).isEqualTo(CollateralException.Reason.NOT_FETCHABLE));
    // With the gateway's VCEK as a hint the product (Milan) is known; the VCEK itself is still fetched from KDS.
    Evidence hinted = new Evidence("sev-snp", hint.data(), Vectors.certs("sev-snp/gsg-milan-vcek/vcek.der"), List.of());
    assertThat(site(SiteCollateral.Mode.ONLINE).resolve(hinted, SNP_AT, Duration.ZERO)).isNotNull();
    assertThat(server.requests).anyMatch(p -> p.startsWith("/vcek/v1/Milan/3ac3fe21") && p.endsWith("?blSPL=2&teeSPL=0&snpSPL=5&ucodeSPL=68"));
  }

  @Test
  void enclaveAttestationUsesTheSitesCollateralAndFailsClosedWithout() throws Exception {
    Policy policy = Policy.parse("policyVersion: 1\nallowedFormats: [tdx]\nstaleCollateralGrace: PT1H\ntdx: {mrtd: ["
        + "\"" + "00".repeat(48) + "\"]}\n");
    AttestedKeys keys = new AttestedKeys("xwing-sha256-aes256gcm", new byte[1216], "Ed25519", new byte[44]);
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    AttestationOutcome with = new EnclaveAttestation(Verifiers.standard(), site(SiteCollateral.Mode.ONLINE))
        .attest(List.of(tdxHint(List.of())), keys, new byte[32], policy, clock);
    assertThat(with.checks()).filteredOn(c -> c.id().equals("collateral.site")).singleElement().extracting(Check::status).isEqualTo(Check.Status.PASS);
    assertThat(with.checks()).filteredOn(c -> c.id().equals("dcap.qe-identity")).singleElement().extracting(Check::status).isEqualTo(Check.Status.PASS);
    assertThat(with.submitted().get(0).collateral()).hasSize(7); // what was verified is what the receipt's digest names
    AttestationOutcome offlineEmpty = new EnclaveAttestation(Verifiers.standard(), SiteCollateral.builder(dir.resolve("empty"))
        .mode(SiteCollateral.Mode.OFFLINE).build()).attest(List.of(tdxHint(List.of())), keys, new byte[32], policy, clock);
    assertThat(offlineEmpty.accepted()).isFalse();
    assertThat(offlineEmpty.failedCheck()).get().extracting(Check::id).isEqualTo("collateral.site");
  }

  @Test
  void theGraceIsAPolicyField() throws Exception {
    assertThat(Policy.parse("policyVersion: 1\nstaleCollateralGrace: P2D\n").document().staleCollateralGrace()).isEqualTo(Duration.ofDays(2));
    assertThat(Policy.parse("policyVersion: 1\n").document().staleCollateralGrace()).isEqualTo(Duration.ZERO);
    assertThatThrownBy(() -> Policy.parse("policyVersion: 1\nstaleCollateralGrace: -PT1H\n")).isInstanceOf(PolicyException.class)
        .hasMessageContaining("staleCollateralGrace");
  }
}
