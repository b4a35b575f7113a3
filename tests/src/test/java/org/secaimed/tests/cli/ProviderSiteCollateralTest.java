package org.secaimed.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.attest.verify.Vectors;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.seal.KemKeys;
import org.secaimed.kaapana.cli.SecaimedCli;
import picocli.CommandLine;

/**
 * Issue #10 item 5 for the provider commands: they attested with whatever collateral the gateway
 * sent (here another platform's TCB info beside the real TDX quote). Now they use the site's own
 * store ({@code --collateral-store} or {@code SECAIMED_COLLATERAL_DIR}) and, without one, refuse
 * hardware evidence before anything is published or revoked.
 */
class ProviderSiteCollateralTest {
  @TempDir static Path dir;
  static HttpServer gateway;
  static Path key;
  static Path policy;

  @BeforeAll
  static void start() throws Exception {
    Base64.Encoder b64 = Base64.getEncoder();
    String answer = "{\"evidence\":[{\"format\":\"tdx\",\"data\":\"" + b64.encodeToString(Vectors.bytes("tdx/quote_v4_spr_e4.dat"))
        + "\",\"collateral\":[\"" + b64.encodeToString(Vectors.bytes("tdx/tcbinfo_tdx_90c06f000000_v5.json")) + "\"]}],"
        + "\"keys\":{\"kem\":{\"suite\":\"xwing-sha256-aes256gcm\",\"publicKey\":\"" + b64.encodeToString(new byte[1216]) + "\"},"
        + "\"signing\":{\"alg\":\"Ed25519\",\"publicKey\":\"" + b64.encodeToString(new byte[32]) + "\"}}}";
    gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    gateway.createContext("/", ex -> {
      ex.getRequestBody().readAllBytes();
      byte[] body = ex.getRequestURI().getPath().equals("/v1/attestation") ? answer.getBytes(StandardCharsets.UTF_8) : new byte[0];
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(body.length == 0 ? 404 : 200, body.length == 0 ? -1 : body.length);
      if (body.length > 0) ex.getResponseBody().write(body);
      ex.close();
    });
    gateway.start();
    key = dir.resolve("provider.key");
    KemKeys.writePrivateKey(key, KemKeyPair.generate(HpkeSuite.XWING));
    policy = Files.writeString(dir.resolve("policy.yaml"), "policyVersion: 1\nallowedFormats: [tdx]\n");
  }

  @AfterAll
  static void stop() {
    gateway.stop(0);
  }

  static String revoke(String... extra) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    CommandLine c = SecaimedCli.commandLine();
    c.setOut(new PrintWriter(out));
    c.setErr(new PrintWriter(err));
    String[] base = {"provider", "revoke", "--key", key.toString(), "--gateway", "http://127.0.0.1:" + gateway.getAddress().getPort(),
        "--policy", policy.toString(), "--licence-digest", "ab".repeat(32), "--json"};
    String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra)).toArray(String[]::new);
    int exit = c.execute(args);
    assertThat(exit).as(out + "" + err).isEqualTo(SecaimedCli.EXIT_FAILED);
    return out + "" + err;
  }

  @Test
  void withoutAStoreHardwareEvidenceIsRefusedNotVerifiedWithTheGatewaysCollateral() {
    assertThat(revoke()).contains("collateral.site").contains("no collateral store configured");
  }

  @Test
  void anEmptyOfflineStoreRefusesAndNeverFallsBackToTheGateway() {
    assertThat(revoke("--collateral-store", dir.resolve("empty").toString(), "--collateral-offline"))
        .contains("collateral.site").contains("not in the offline store");
  }
}
