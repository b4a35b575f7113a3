package org.secaimed.devtools.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.devtools.cli.DevCli;
import picocli.CommandLine;

/**
 * Issue #15's demo: {@code secaimed demo --provider --json} publishes the phantom CNN under a
 * licence of 2 runs for site A, segments twice (Dice ≥ 0.95 from the SEG written back), is refused
 * for the third run, for site B and under an expired licence (each by its rule), and the provider's
 * verified usage report lists exactly the two runs.
 */
class ProviderDemoCommandTest {
  @TempDir Path out;

  @Test
  void twoLicensedRunsThreeRefusalsAndAUsageReportOfExactlyTheTwoRuns() throws Exception {
    StringWriter stdout = new StringWriter();
    CommandLine cli = DevCli.commandLine();
    cli.setOut(new PrintWriter(stdout));
    int exit = cli.execute("demo", "--provider", "--json", "--size", "160", "--slices", "16", "--out", out.toString());
    // the --json envelope (CommandTreeJsonContractTest leaves this success case to this test): one line, ok first
    assertThat(stdout.toString().strip().lines().count()).as(stdout.toString()).isEqualTo(1);
    JsonNode j = new ObjectMapper().readTree(stdout.toString());
    assertThat(exit).as(stdout.toString()).isZero();
    assertThat(j.fieldNames().next()).isEqualTo("ok");
    assertThat(j.path("ok").asBoolean()).isTrue();
    assertThat(j.has("error")).isFalse();
    assertThat(j.path("scenario").asText()).isEqualTo("provider");
    JsonNode runs = j.path("runs");
    assertThat(runs).hasSize(2);
    for (int i = 0; i < 2; i++) {
      JsonNode r = runs.get(i);
      assertThat(r.path("run").asInt()).isEqualTo(i + 1);
      assertThat(r.path("licenceDigest").asText()).isEqualTo(j.path("licenceDigest").asText());
      assertThat(r.path("modelDigest").asText()).isEqualTo(j.path("modelDigest").asText()).startsWith("sha256:");
      assertThat(r.path("useLogIndex").asLong()).isLessThan(r.path("receiptLogIndex").asLong());
      assertThat(r.path("dice").size()).isEqualTo(3);
      r.path("dice").forEach(d -> assertThat(d.asDouble()).isGreaterThanOrEqualTo(0.95));
    }
    for (String refusal : new String[] {"licenceRunsExceeded", "siteNotLicensed", "expiredLicence"}) {
      assertThat(j.path("refusals").path(refusal).asBoolean()).as(refusal + ": " + j.path("refusalDetails").path(refusal)).isTrue();
    }
    assertThat(j.path("refusalDetails").path("licenceRunsExceeded").asText()).startsWith("licence-runs-exceeded");
    assertThat(j.path("refusalDetails").path("siteNotLicensed").asText()).startsWith("site-not-licensed");
    assertThat(j.path("refusalDetails").path("expiredLicence").asText()).startsWith("expired-licence");
    JsonNode usage = j.path("usage");
    assertThat(usage.path("entries").asInt()).isEqualTo(2);
    assertThat(usage.path("verified").asBoolean()).isTrue();
    assertThat(usage.path("consistencyChecked").asBoolean()).isTrue();
    assertThat(usage.path("taskIds").get(0).asText()).isEqualTo(runs.get(0).path("taskId").asText());
    assertThat(usage.path("taskIds").get(1).asText()).isEqualTo(runs.get(1).path("taskId").asText());
  }
}
