package org.secaimed.connector.attest.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.attest.verify.Vectors;
import org.secaimed.connector.gateway.AttestationRefusedException;
import org.secaimed.connector.gateway.GatewaySession;

/**
 * Issue #10 item 5, the live path: a gateway answers POST /v1/attestation with the real TDX quote
 * and pushes another platform's TCB info. The old default {@link GatewaySession} verified with
 * whatever the gateway pushed; now the session verifies only with the site's own collateral and,
 * without a store, refuses hardware evidence. (The quote is a public vector, so its report data
 * cannot bind this session's keys: the last check fails either way, which is why each test names
 * the check that decided.)
 */
class GatewaySessionCollateralTest {
  @TempDir Path dir;
  LocalKdsPcs kdsPcs;
  HttpServer gateway;
  final Clock clock = Clock.fixed(SiteCollateralTest.T0, ZoneOffset.UTC);
  final Policy policy = policy();

  static Policy policy() {
    try {
      return Policy.parse("policyVersion: 1\nallowedFormats: [tdx]\n");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @BeforeEach
  void start() throws Exception {
    kdsPcs = new LocalKdsPcs("public, max-age=3600");
    Base64.Encoder b64 = Base64.getEncoder();
    // Another platform's TCB info (FMSPC 90c06f000000) and the genuine TD QE identity, as the gateway chose them.
    String answer = "{\"evidence\":[{\"format\":\"tdx\",\"data\":\"" + b64.encodeToString(Vectors.bytes("tdx/quote_v4_spr_e4.dat"))
        + "\",\"certificates\":[],\"collateral\":[\"" + b64.encodeToString(Vectors.bytes("tdx/tcbinfo_tdx_90c06f000000_v5.json")) + "\",\""
        + b64.encodeToString(Vectors.bytes("tdx/qe_identity_td_qe_2023.json")) + "\"]}],"
        + "\"keys\":{\"kem\":{\"suite\":\"xwing-sha256-aes256gcm\",\"publicKey\":\"" + b64.encodeToString(new byte[1216]) + "\"},"
        + "\"signing\":{\"alg\":\"Ed25519\",\"publicKey\":\"" + b64.encodeToString(new byte[32]) + "\"}}}";
    gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    gateway.createContext("/v1/attestation", ex -> {
      ex.getRequestBody().readAllBytes();
      byte[] body = answer.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    gateway.start();
  }

  @AfterEach
  void stop() {
    gateway.stop(0);
    kdsPcs.close();
  }

  String url() {
    return "http://127.0.0.1:" + gateway.getAddress().getPort();
  }

  @Test
  void theDefaultSessionRefusesHardwareEvidenceWithoutTheSitesCollateral() {
    // Old code: verified with the gateway's TCB info (and failed on it, or passed had it pushed a genuine one): its choice.
    assertThatThrownBy(() -> GatewaySession.builder(url()).policy(policy).clock(clock).build().attest())
        .isInstanceOfSatisfying(AttestationRefusedException.class, e -> {
          assertThat(e.failedCheck()).isEqualTo("collateral.site");
          assertThat(e.getMessage()).contains("no collateral store configured");
        });
    assertThat(kdsPcs.requests).isEmpty();
  }

  @Test
  void withTheSitesCollateralTheGatewaysTcbInfoIsIgnored() {
    assertThatThrownBy(() -> GatewaySession.builder(url()).policy(policy).clock(clock)
        .siteCollateral(new CollateralSettings(dir.resolve("store"), SiteCollateral.Mode.ONLINE, kdsPcs.base(), kdsPcs.base(), kdsPcs.rootCrl())
            .provider())
        .build().attest())
        .isInstanceOfSatisfying(AttestationRefusedException.class, e -> {
          // Every DCAP check passed with the site's TCB info for the quote's own FMSPC; what refuses is the policy
          // (no MRTD pinned) or the vector's foreign binding, never the collateral.
          assertThat(e.failedCheck()).startsWith("policy.");
          assertThat(e.getMessage()).contains("PASS collateral.site").contains("PASS dcap.tcb-info-signature").contains("PASS dcap.qe-identity")
              .doesNotContain("FAIL dcap.");
        });
    assertThat(kdsPcs.requests).contains(SiteCollateralTest.TCB_PATH);
  }

  @Test
  void offlineWithAnEmptyStoreFailsClosedAndNeverFallsBackToTheGateway() {
    assertThatThrownBy(() -> GatewaySession.builder(url()).policy(policy).clock(clock)
        .siteCollateral(new CollateralSettings(dir.resolve("empty"), SiteCollateral.Mode.OFFLINE,
            kdsPcs.base(), kdsPcs.base(), kdsPcs.rootCrl()).provider())
        .build().attest())
        .isInstanceOfSatisfying(AttestationRefusedException.class, e -> assertThat(e.failedCheck()).isEqualTo("collateral.site"));
    assertThat(kdsPcs.requests).isEmpty();
  }

  @Test
  void settingsComeFromTheSitesVariablesWithMirrorsAndNameTheBadOne() throws Exception {
    var s = CollateralSettings.fromEnvironment(java.util.Map.of(CollateralSettings.DIR, "/site/collateral", CollateralSettings.OFFLINE, "true",
        CollateralSettings.KDS_URL, "https://mirror.hospital.example/", CollateralSettings.PCS_URL, "https://mirror.hospital.example/"), null);
    assertThat(s.store()).isEqualTo(Path.of("/site/collateral"));
    assertThat(s.mode()).isEqualTo(SiteCollateral.Mode.OFFLINE);
    assertThat(s.kds()).hasHost("mirror.hospital.example");
    assertThat(s.pcs()).hasHost("mirror.hospital.example");
    assertThat(s.rootCrl()).isEqualTo(SiteCollateral.INTEL_ROOT_CRL);
    assertThatThrownBy(() -> CollateralSettings.fromEnvironment(java.util.Map.of(CollateralSettings.DIR, "/x", CollateralSettings.PCS_URL, "ftp://m/"), null))
        .isInstanceOfSatisfying(CollateralSettings.InvalidSetting.class, e -> assertThat(e.setting()).isEqualTo(CollateralSettings.PCS_URL));
    assertThatThrownBy(() -> CollateralSettings.fromEnvironment(java.util.Map.of(), null))
        .isInstanceOfSatisfying(CollateralSettings.InvalidSetting.class, e -> assertThat(e.setting()).isEqualTo(CollateralSettings.DIR));
  }
}
