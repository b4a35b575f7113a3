package org.secaimed.kaapana.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.attest.collateral.LocalKdsPcs;
import picocli.CommandLine;

/**
 * Issue #10 item 5 on the command line: seed a collateral store from (a local server answering
 * like) Intel PCS, list it, then verify a TDX quote offline from the store alone.
 */
class AttestCollateralCommandTest {
  static final Path V = Path.of(System.getProperty("secaimed.repo.root")).resolve("../shared/testdata/attestation").normalize();
  static final String AT = "2023-06-20T00:00:00Z";
  static LocalKdsPcs server;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    server = new LocalKdsPcs("max-age=3600");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  record Result(int exit, JsonNode json) {}

  static Result run(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--json");
    StringWriter out = new StringWriter();
    CommandLine cli = SecaimedCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(new StringWriter()));
    int exit = cli.execute(all.toArray(String[]::new));
    return new Result(exit, JsonOutput.mapper().readTree(out.toString().strip()));
  }

  static String[] endpoints() {
    return new String[] {"--kds", server.base().toString(), "--pcs", server.base().toString(), "--intel-root-crl", server.rootCrl().toString()};
  }

  static String[] concat(String[] a, String... b) {
    List<String> l = new ArrayList<>(List.of(a));
    l.addAll(List.of(b));
    return l.toArray(String[]::new);
  }

  @Test
  void seedListAndVerifyOffline() throws Exception {
    String store = tmp.resolve("store").toString();
    String quote = V.resolve("tdx/quote_v4_spr_e4.dat").toString();
    Result fetched = run(concat(new String[] {"attest", "collateral", "fetch", "--format", "tdx", "--evidence", quote, "--store", store, "--at", AT},
        endpoints()));
    assertThat(fetched.exit()).isZero();
    assertThat(fetched.json().path("items")).hasSize(4);

    Result listed = run("attest", "collateral", "list", "--store", store, "--at", AT);
    assertThat(listed.exit()).isZero();
    assertThat(listed.json().path("items").findValuesAsText("key")).contains("intel/tdx/tcb-50806f000000", "intel/rootcrl");
    assertThat(listed.json().path("items").findValues("fresh")).allMatch(JsonNode::asBoolean);

    server.requests.clear();
    Result verified = run("attest", "verify-evidence", "--format", "tdx", "--evidence", quote, "--collateral-store", store, "--offline", "--at", AT);
    assertThat(verified.exit()).isZero();
    assertThat(verified.json().path("checks").path("dcap.qe-identity").asText()).isEqualTo("pass");
    assertThat(verified.json().path("collateralSources")).hasSize(4);
    assertThat(server.requests).isEmpty();
  }

  @Test
  void anEmptyOfflineStoreIsATypedFailure() throws Exception {
    Result r = run("attest", "verify-evidence", "--format", "tdx", "--evidence", V.resolve("tdx/quote_v4_spr_e4.dat").toString(),
        "--collateral-store", tmp.resolve("nothing").toString(), "--offline", "--at", AT);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.json().path("error").path("code").asText()).isEqualTo("COLLATERAL_UNAVAILABLE");
    assertThat(r.json().path("error").path("message").asText()).contains("not in the offline store");
  }
}
