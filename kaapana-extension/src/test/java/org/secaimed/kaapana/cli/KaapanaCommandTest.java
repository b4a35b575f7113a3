package org.secaimed.kaapana.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KaapanaCommandTest {
  @TempDir Path tmp;
  final Map<String, String> env = new HashMap<>();
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeEach
  void kaapanaRun() throws Exception {
    Path wf = Files.createDirectories(tmp.resolve("run/conf"));
    new ObjectMapper().writeValue(wf.resolve("conf.json").toFile(), Map.of(
        "data_form", Map.of("identifiers", List.of("1.2.3.4"), "dataset_name", "phantoms"),
        "workflow_form", Map.of("algorithm", "organ-seg", "gateway_profile", "dev"),
        "project_form", Map.of("id", "p1", "name", "admin")));
    env.putAll(Map.of("RUN_ID", "r1", "DAG_ID", "secaimed-segmentation", "WORKFLOW_DIR", tmp.resolve("run").toString(),
        "OPERATOR_OUT_DIR", "secaimed", "SECAIMED_TASK_KIND", "segmentation", "KEYCLOAK_URL", "http://127.0.0.1:9",
        "DICOM_WEB_FILTER_URL", "http://127.0.0.1:9"));
    env.putAll(org.secaimed.kaapana.operator.SiteEnv.of(Map.of("dev", new String[] {"http://127.0.0.1:9", "policyVersion: 1\nallowedFormats: [dev]\nallowInsecureDevEnclave: true\n"}), null));
    env.put("KAAPANA_PROJECT_USER_NAME", "system");
    env.put("KAAPANA_PROJECT_USER_PASSWORD", "pw");
    KaapanaCommand.environment = () -> env;
  }

  @AfterEach
  void restore() {
    KaapanaCommand.environment = System::getenv;
  }

  private int run(String... args) {
    CommandLine cli = SecaimedCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  /** Issue 12 item 7: a garbage policy and a garbage site key were "environment ok" (existence only) and a Java record was printed. */
  @Test
  void checkParsesAndValidatesThePolicyAndTheSiteKey() throws Exception {
    env.putAll(org.secaimed.kaapana.operator.SiteEnv.of(Map.of("dev", new String[] {"http://127.0.0.1:9", "garbage: ["}), null));
    assertThat(run("kaapana", "run", "--check")).isEqualTo(SecaimedCli.EXIT_FAILED);
    assertThat(out.toString()).contains("FAIL SECAIMED_SITE_CONFIG#/profiles/dev/policy: not a valid policy").contains("1 problem(s)")
        .doesNotContain("environment ok").doesNotContain("KaapanaEnvironment[").doesNotContain("SiteConfig[").doesNotContain("Exception");
    out.getBuffer().setLength(0);
    assertThat(run("kaapana", "run", "--check", "--json")).isEqualTo(SecaimedCli.EXIT_FAILED);
    JsonNode j = new ObjectMapper().readTree(out.toString());
    assertThat(j.path("error").path("code").asText()).isEqualTo("CHECK_FAILED");
    assertThat(j.path("problems").findValuesAsText("source")).containsExactly("SECAIMED_SITE_CONFIG#/profiles/dev/policy");

    out.getBuffer().setLength(0);
    env.put(org.secaimed.kaapana.operator.SiteEnv.keyEnv(), "nope");
    assertThat(run("kaapana", "run", "--check")).as("a garbage site key").isEqualTo(SecaimedCli.EXIT_FAILED);
    assertThat(out.toString()).contains("FAIL " + org.secaimed.kaapana.operator.SiteEnv.keyEnv() + ": not a site private key")
        .contains("2 problem(s)").doesNotContain("environment ok");
  }

  /** Issue 12 item 7: the loader stopped at its first problem, so --check reported one problem per attempt. */
  @Test
  void checkListsEveryProblemOfABrokenEnvironmentAtOnce() throws Exception {
    env.remove("WORKFLOW_DIR");
    env.putAll(org.secaimed.kaapana.operator.SiteEnv.of(Map.of("dev", new String[] {"http://127.0.0.1:9", "garbage: ["}), null));
    env.put(org.secaimed.kaapana.operator.SiteEnv.keyEnv(), "nope");

    assertThat(run("kaapana", "run", "--check")).isEqualTo(SecaimedCli.EXIT_FAILED);
    assertThat(out.toString().lines().filter(l -> l.startsWith("  FAIL ")))
        .anyMatch(l -> l.startsWith("  FAIL WORKFLOW_DIR: environment variable is not set"))
        .anyMatch(l -> l.startsWith("  FAIL SECAIMED_SITE_CONFIG#/profiles/dev/policy: not a valid policy"))
        .anyMatch(l -> l.startsWith("  FAIL SECAIMED_SITE_KEY: not a site private key"))
        .hasSize(3);
    assertThat(out.toString()).contains("environment NOT ok: 3 problem(s)").doesNotContain("Exception");

    out.getBuffer().setLength(0);
    assertThat(run("kaapana", "run", "--check", "--json")).isEqualTo(SecaimedCli.EXIT_FAILED);
    JsonNode j = new ObjectMapper().readTree(out.toString());
    assertThat(j.path("ok").asBoolean(true)).isFalse();
    assertThat(j.path("error").path("code").asText()).isEqualTo("CHECK_FAILED");
    assertThat(j.path("error").path("message").asText()).startsWith("3 problems");
    assertThat(j.path("problems").findValuesAsText("source"))
        .containsExactlyInAnyOrder("WORKFLOW_DIR", "SECAIMED_SITE_CONFIG#/profiles/dev/policy", "SECAIMED_SITE_KEY");

    out.getBuffer().setLength(0);
    assertThat(run("kaapana", "run")).as("a run still fails, exit code unchanged").isEqualTo(SecaimedCli.EXIT_FAILED);
    assertThat(err.toString()).contains("kaapana run: environment: 3 problems").contains("FAIL WORKFLOW_DIR");
  }

  @Test
  void checkReachesTheGatewayOnlyWhenAsked() throws Exception {
    assertThat(run("kaapana", "run", "--check")).isZero();
    assertThat(out.toString()).contains("ok   dev.policy").contains("ok   site key").doesNotContain("gateway http");
    out.getBuffer().setLength(0);
    assertThat(run("kaapana", "run", "--check", "--online")).as("nothing listens on port 9").isEqualTo(SecaimedCli.EXIT_FAILED);
    assertThat(out.toString()).contains("FAIL dev.gateway http://127.0.0.1:9").doesNotContain("Exception");
  }

  @Test
  void checkPrintsTheParsedContractAsOneJsonObject() throws Exception {
    assertThat(run("kaapana", "run", "--check", "--json")).isZero();
    JsonNode j = new ObjectMapper().readTree(out.toString());
    assertThat(j.fieldNames().next()).as("the JSON envelope starts with ok").isEqualTo("ok");
    assertThat(j.path("ok").asBoolean()).isTrue();
    assertThat(j.has("error")).isFalse();
    assertThat(j.path("callingAeTitle").asText()).isEqualTo("kp-phantoms");
    assertThat(j.path("calledAeTitle").asText()).isEqualTo("kp-admin");
    assertThat(j.path("gatewayProfile").asText()).isEqualTo("dev");
    assertThat(j.path("series").toString()).contains("1.2.3.4");
    assertThat(out.toString().trim().lines()).hasSize(1);
  }

  @Test
  void aJobThatCannotStartIsOneClearFailure() throws Exception {
    // The mounted site key is not a key file: the job fails before any series and says so.
    assertThat(run("kaapana", "run", "--json")).isEqualTo(SecaimedCli.EXIT_FAILED);
    JsonNode j = new ObjectMapper().readTree(out.toString());
    assertThat(j.path("ok").asBoolean()).isFalse();
    assertThat(j.path("error").path("code").asText()).isEqualTo("JOB_FAILED");
    assertThat(j.path("error").path("message").asText()).isNotBlank().doesNotContain("pw").doesNotContain("Exception");
  }

  @Test
  void badEnvironmentNamesTheSource() throws Exception {
    env.remove("DAG_ID");
    assertThat(run("kaapana", "run", "--json")).isEqualTo(SecaimedCli.EXIT_FAILED);
    assertThat(new ObjectMapper().readTree(out.toString()).path("source").asText()).isEqualTo("DAG_ID");
  }

  @Test
  void triggerWithoutSeriesIsAUsageError() {
    assertThat(run("kaapana", "trigger", "--dag", "secaimed-segmentation")).isEqualTo(SecaimedCli.EXIT_USAGE);
  }
}
