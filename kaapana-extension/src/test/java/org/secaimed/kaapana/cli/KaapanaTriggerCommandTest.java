package org.secaimed.kaapana.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** {@code secaimed kaapana trigger/status} end to end against WireMock doubles of Keycloak, kaapana-backend and Airflow. */
class KaapanaTriggerCommandTest {
  static final String UID = "1.2.826.0.1.3680043.8.498.11";

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

  final Map<String, String> env = new HashMap<>();
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeEach
  void platform() {
    env.put("KAAPANA_URL", wm.baseUrl());
    env.put("KAAPANA_PROJECT_USER_NAME", "system");
    env.put("KAAPANA_PROJECT_USER_PASSWORD", "pw");
    env.put("KAAPANA_CLIENT_SECRET", "cs");
    env.put("AIRFLOW_API_URL", wm.baseUrl() + "/flow/api/v1");
    env.put("AIRFLOW_USERNAME", "kaapana-internal");
    env.put("AIRFLOW_PASSWORD", "kaapana-internal");
    KaapanaCommand.environment = () -> env;
    wm.stubFor(post(urlPathEqualTo("/auth/realms/kaapana/protocol/openid-connect/token"))
        .withRequestBody(containing("grant_type=password")).withRequestBody(containing("client_secret=cs"))
        .willReturn(json("{\"access_token\":\"tok\",\"expires_in\":300,\"refresh_token\":\"r\",\"refresh_expires_in\":1800,\"token_type\":\"Bearer\"}")));
    wm.stubFor(get(urlPathEqualTo("/aii/projects/admin")).withHeader("Authorization", equalTo("Bearer tok"))
        .willReturn(json("{\"id\":\"p-1\",\"name\":\"admin\",\"kubernetes_namespace\":\"project-admin\"}")));
    wm.stubFor(get(urlPathEqualTo("/kaapana-backend/client/kaapana-instance"))
        .willReturn(json("{\"id\":1,\"instance_name\":\"central\",\"remote\":false}")));
  }

  @AfterEach
  void restore() {
    KaapanaCommand.environment = System::getenv;
  }

  static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
    return aResponse().withHeader("Content-Type", "application/json").withBody(body);
  }

  private int run(String... args) {
    CommandLine cli = SecaimedCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void backendTriggerWaitsAndFailsWhenAJobFailed() throws Exception {
    wm.stubFor(post(urlPathEqualTo("/kaapana-backend/client/workflow"))
        .willReturn(json("{\"workflow_id\":\"Ab3dE9\",\"workflow_name\":\"enclave-segmentation-Ab3dE9\",\"username\":\"system\"}")));
    wm.stubFor(get(urlPathEqualTo("/kaapana-backend/client/jobs"))
        .willReturn(json("[{\"id\":7,\"status\":\"failed\",\"dag_id\":\"enclave-segmentation\",\"run_id\":\"r7\"}]")));

    int exit = run("kaapana", "trigger", "--dag", "enclave-segmentation", "--series", UID, "--form", "algorithm=organ-seg",
        "--wait", "--interval", "PT0.01S", "--json");

    assertThat(exit).isEqualTo(SecaimedCli.EXIT_FAILED);
    JsonNode j = new ObjectMapper().readTree(out.toString());
    assertThat(j.path("workflowName").asText()).isEqualTo("enclave-segmentation-Ab3dE9");
    assertThat(j.path("succeeded").asBoolean()).isFalse();
    wm.verify(postRequestedFor(urlPathEqualTo("/kaapana-backend/client/workflow")).withRequestBody(equalToJson(
        "{\"dag_id\":\"enclave-segmentation\",\"workflow_name\":\"enclave-segmentation\",\"instance_names\":[\"central\"],\"federated\":false,"
            + "\"username\":\"system\","
            + "\"conf_data\":{\"workflow_form\":{\"algorithm\":\"organ-seg\"},\"data_form\":{\"identifiers\":[\"" + UID + "\"]}}}")));
  }

  @Test
  void backendStatusListsJobs() throws Exception {
    wm.stubFor(get(urlPathEqualTo("/kaapana-backend/client/jobs")).withQueryParam("workflow_name", equalTo("wf-1"))
        .willReturn(json("[{\"id\":7,\"status\":\"finished\",\"dag_id\":\"enclave-segmentation\",\"run_id\":\"r7\"},"
            + "{\"id\":8,\"status\":\"running\",\"dag_id\":\"enclave-segmentation\",\"run_id\":\"r8\"}]")));
    assertThat(run("kaapana", "status", "wf-1")).isZero();
    assertThat(out.toString()).contains("1 finished, 1 running").contains("r8");
    out.getBuffer().setLength(0);
    assertThat(run("kaapana", "status", "wf-1", "--json")).isZero();
    JsonNode j = new ObjectMapper().readTree(out.toString());
    assertThat(j.fieldNames().next()).isEqualTo("ok");
    assertThat(j.path("ok").asBoolean()).as("a run still going is not a failure").isTrue();
    assertThat(j.path("final").asBoolean()).isFalse();
  }

  @Test
  void airflowTriggerCarriesSeriesAndProjectInConf() throws Exception {
    wm.stubFor(post(urlPathEqualTo("/flow/api/v1/dags/enclave-segmentation/dagRuns"))
        .willReturn(json("{\"dag_run_id\":\"run-1\",\"dag_id\":\"enclave-segmentation\",\"state\":\"queued\"}")));
    assertThat(run("kaapana", "trigger", "--via", "airflow", "--dag", "enclave-segmentation", "--series", UID,
        "--workflow-name", "run-1", "--json")).isZero();
    assertThat(new ObjectMapper().readTree(out.toString()).path("runId").asText()).isEqualTo("run-1");
    assertThat(new ObjectMapper().readTree(out.toString()).path("ok").asBoolean()).as("the JSON envelope").isTrue();
    wm.verify(postRequestedFor(urlPathEqualTo("/flow/api/v1/dags/enclave-segmentation/dagRuns"))
        .withHeader("Authorization", containing("Basic "))
        .withRequestBody(equalToJson("{\"dag_run_id\":\"run-1\",\"conf\":{\"workflow_form\":{},\"data_form\":{\"identifiers\":[\"" + UID
            + "\"]},\"project_form\":{\"name\":\"admin\",\"kubernetes_namespace\":\"project-admin\",\"opensearch_index\":\"project_admin\"}}}")));
  }

  @Test
  void airflowTriggerNamesTheRunTheWayKaapanaDoes() throws Exception {
    wm.stubFor(post(urlPathEqualTo("/flow/api/v1/dags/enclave-segmentation/dagRuns"))
        .willReturn(json("{\"dag_run_id\":\"x\",\"dag_id\":\"enclave-segmentation\",\"state\":\"queued\"}")));
    assertThat(run("kaapana", "trigger", "--via", "airflow", "--dag", "enclave-segmentation", "--series", UID, "--json")).isZero();
    var sent = wm.findAll(postRequestedFor(urlPathEqualTo("/flow/api/v1/dags/enclave-segmentation/dagRuns")));
    String runId = new ObjectMapper().readTree(sent.get(0).getBodyAsString()).path("dag_run_id").asText();
    // Kaapana 0.6.0 creates ConfigMap <run id>-config labelled run_id=<run id>: no manual__<iso time>
    assertThat(runId).matches("enclave-segmentation-[0-9]{18}");

    assertThat(run("kaapana", "trigger", "--via", "airflow", "--dag", "enclave-segmentation", "--series", UID,
        "--workflow-name", "manual__2025-12-18T10:00:00+00:00")).isEqualTo(SecaimedCli.EXIT_USAGE);
    assertThat(err.toString()).contains("ConfigMap");
  }

  @Test
  void missingCredentialsAreNamed() {
    env.remove("KAAPANA_PROJECT_USER_PASSWORD");
    // Missing configuration is a usage mistake: exit 2, naming what to set.
    assertThat(run("kaapana", "status", "wf-1")).isEqualTo(SecaimedCli.EXIT_USAGE);
    assertThat(err.toString()).contains("KAAPANA_PROJECT_USER_PASSWORD");
  }
}
