package org.secaimed.kaapana.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.secaimed.connector.tlog.LogProofException;
import picocli.CommandLine;

/**
 * The CLI's error codes are upper case (the JSON contract: {@code [A-Z_]+}) even where the
 * enclave names its rule as a problem-type slug such as {@code licence-revoked}: the provider
 * commands printed the slug itself, and an unverifiable usage report printed
 * {@code usage-not-verified}.
 */
class RefusalCodesTest {
  @Test
  void anEnclaveRuleBecomesAnUpperCaseCode() {
    assertThat(CliFailure.ofRule("licence-revoked", "revoked").code()).isEqualTo("LICENCE_REVOKED");
    assertThat(CliFailure.ofRule("not-model-contributor", "no").code()).isEqualTo("NOT_MODEL_CONTRIBUTOR");
    assertThat(CliFailure.ofRule(null, "no type").code()).isEqualTo("GATEWAY_REFUSED");
  }

  @Test
  void anUnverifiableUsageReportIsAnUpperCaseCodeInJson() throws Exception {
    StringWriter out = new StringWriter();
    CommandLine cmd = new CommandLine(new ProviderCommand());
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(new StringWriter()));
    int exit = ProviderCommand.fail(cmd, true, "provider usage", new LogProofException("inclusion proof of leaf 3 does not verify"));
    JsonNode j = new ObjectMapper().readTree(out.toString());
    assertThat(exit).isEqualTo(SecaimedCli.EXIT_FAILED);
    assertThat(j.path("error").path("code").asText()).isEqualTo("USAGE_NOT_VERIFIED").matches("[A-Z_]+");
    assertThat(j.path("error").path("message").asText()).contains("leaf 3");
  }
}
