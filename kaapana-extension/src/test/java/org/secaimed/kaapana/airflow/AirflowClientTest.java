package org.secaimed.kaapana.airflow;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Airflow client against WireMock standing in for Kaapana's Airflow 2 webserver at
 * {@code /flow/api/v1}; after each test every request and response is validated against
 * Airflow's official OpenAPI spec.
 */
class AirflowClientTest {
  static final String API = "/flow/api/v1";
  static final String DAG = "secaimed-segmentation";
  static final String RUN = "secaimed-segmentation-251122021500000000";
  static final String BASIC = "Basic a2FhcGFuYS1pbnRlcm5hbDprYWFwYW5hLWludGVybmFs"; // kaapana-internal:kaapana-internal

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

  static OpenApiInteractionValidator spec;
  AirflowClient client;
  boolean expectSpecViolations;

  @BeforeAll
  static void loadSpec() {
    spec = OfficialSpec.validator(API);
  }

  @BeforeEach
  void client() {
    client = new AirflowClient(new OkHttpClient(), HttpUrl.get(wm.baseUrl() + API), "kaapana-internal", "kaapana-internal");
  }

  @AfterEach
  void everyExchangeConformsToAirflowsSpec() {
    List<String> problems = OfficialSpec.problems(spec, wm.getAllServeEvents());
    if (expectSpecViolations) assertThat(problems).isNotEmpty();
    else assertThat(problems).isEmpty();
  }

  static String dagRun(String runId, String state, String endDate) {
    return """
        {"dag_run_id": "%s", "dag_id": "%s", "logical_date": "2026-11-22T02:15:00.000000+00:00",
         "execution_date": "2026-11-22T02:15:00.000000+00:00", "start_date": %s, "end_date": %s,
         "data_interval_start": "2026-11-22T02:15:00.000000+00:00", "data_interval_end": "2026-11-22T02:15:00.000000+00:00",
         "last_scheduling_decision": null, "run_type": "manual", "state": "%s", "external_trigger": true,
         "conf": {"data_form": {"identifiers": ["1.2.3.4"]}}, "note": null}
        """.formatted(runId, DAG, "queued".equals(state) ? "null" : "\"2026-11-22T02:15:01.000000+00:00\"",
        endDate == null ? "null" : "\"" + endDate + "\"", state);
  }

  static String taskInstance(String taskId, String state, int tryNumber) {
    return """
        {"task_id": "%s", "task_display_name": "%s", "dag_id": "%s", "dag_run_id": "%s",
         "execution_date": "2026-11-22T02:15:00+00:00", "start_date": "2026-11-22T02:15:02+00:00", "end_date": null,
         "duration": 1.5, "state": %s, "try_number": %d, "map_index": -1, "max_tries": 1, "hostname": "", "unixname": "airflow",
         "pool": "NODE_RAM", "pool_slots": 1000, "queue": "default", "priority_weight": 1, "operator": "SecaimedOperator",
         "queued_when": null, "pid": null, "executor": null, "executor_config": "{}", "sla_miss": null,
         "rendered_map_index": null, "rendered_fields": {}, "trigger": null, "triggerer_job": null, "note": null}
        """.formatted(taskId, taskId, DAG, RUN, state == null ? "null" : "\"" + state + "\"", tryNumber);
  }

  static ResponseDefinitionBuilder json(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
  }

  /** Airflow's error body. The spec declares it as application/json (the server labels it problem+json; the client reads either). */
  static ResponseDefinitionBuilder problem(int status, String title, String detail) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody("""
        {"type": "https://airflow.apache.org/docs/apache-airflow/2.10.0/stable-rest-api-ref.html#section/Errors/%s",
         "title": "%s", "status": %d, "detail": "%s"}""".formatted(status == 409 ? "AlreadyExists" : "Unauthenticated", title, status, detail));
  }

  @Test
  void triggerSendsOnlyWritableNonNullFieldsWithBasicAuth() throws Exception {
    wm.stubFor(post(urlPathEqualTo(API + "/dags/" + DAG + "/dagRuns")).withHeader("Authorization", equalTo(BASIC))
        .willReturn(json(200, dagRun(RUN, "queued", null))));
    Map<String, Object> conf = new LinkedHashMap<>();
    conf.put("data_form", Map.of("identifiers", List.of("1.2.3.4")));

    RunStatus run = client.trigger(DAG, RUN, conf);

    assertThat(run.runId()).isEqualTo(RUN);
    assertThat(run.state()).isEqualTo("queued");
    assertThat(run.isFinal()).isFalse();
    wm.verify(postRequestedFor(urlPathEqualTo(API + "/dags/" + DAG + "/dagRuns"))
        .withRequestBody(equalToJson("{\"dag_run_id\":\"" + RUN + "\",\"conf\":{\"data_form\":{\"identifiers\":[\"1.2.3.4\"]}}}")));
  }

  @Test
  void triggerWithoutRunIdLeavesNamingToAirflow() throws Exception {
    wm.stubFor(post(urlPathEqualTo(API + "/dags/" + DAG + "/dagRuns"))
        .willReturn(json(200, dagRun("manual__2026-11-22T02:15:00+00:00", "queued", null))));
    RunStatus run = client.trigger(DAG, null, Map.of("workflow_form", Map.of("algorithm", "organ-seg")));
    assertThat(run.runId()).startsWith("manual__");
    String sent = wm.getAllServeEvents().get(0).getRequest().getBodyAsString();
    assertThat(sent).doesNotContain("dag_run_id").doesNotContain("logical_date").doesNotContain("execution_date").doesNotContain("state");
  }

  @Test
  void awaitPollsUntilFinalAndListsTaskInstancesAcrossPages() throws Exception {
    String runPath = API + "/dags/" + DAG + "/dagRuns/" + RUN;
    wm.stubFor(get(urlPathEqualTo(runPath)).inScenario("run").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(json(200, dagRun(RUN, "queued", null))).willSetStateTo("running"));
    wm.stubFor(get(urlPathEqualTo(runPath)).inScenario("run").whenScenarioStateIs("running")
        .willReturn(json(200, dagRun(RUN, "running", null))).willSetStateTo("done"));
    wm.stubFor(get(urlPathEqualTo(runPath)).inScenario("run").whenScenarioStateIs("done")
        .willReturn(json(200, dagRun(RUN, "success", "2026-11-22T02:20:00.000000+00:00"))));
    List<String> page1 = new ArrayList<>();
    for (int i = 0; i < 100; i++) page1.add(taskInstance("task-" + i, "success", 1));
    wm.stubFor(get(urlPathEqualTo(runPath + "/taskInstances")).withQueryParam("offset", equalTo("0"))
        .willReturn(json(200, "{\"task_instances\": [" + String.join(",", page1) + "], \"total_entries\": 101}")));
    wm.stubFor(get(urlPathEqualTo(runPath + "/taskInstances")).withQueryParam("offset", equalTo("100"))
        .willReturn(json(200, "{\"task_instances\": [" + taskInstance("secaimed-segmentation", null, 0) + "], \"total_entries\": 101}")));

    List<String> seen = new ArrayList<>();
    RunStatus done = client.await(DAG, RUN, Duration.ofMillis(10), Duration.ofSeconds(20),
        (r, tasks) -> seen.add(r.state() + ":" + tasks.size() + ":" + tasks.stream().filter(TaskStatus::isFinal).count()));

    assertThat(done.isSuccess()).isTrue();
    assertThat(done.endDate()).isNotNull();
    assertThat(seen).containsExactly("queued:101:100", "running:101:100", "success:101:100");
  }

  @Test
  void fetchesTheFullLogOfATry() throws Exception {
    wm.stubFor(get(urlPathEqualTo(API + "/dags/" + DAG + "/dagRuns/" + RUN + "/taskInstances/secaimed-segmentation/logs/2"))
        .withQueryParam("full_content", equalTo("true"))
        .willReturn(json(200, "{\"content\": \"attested INSECURE dev enclave\\nsealed 3 instances\", \"continuation_token\": \"eyJlbmRfb2ZfbG9nIjp0cnVlfQ\"}")));
    assertThat(client.log(DAG, RUN, "secaimed-segmentation", 2)).contains("sealed 3 instances");
  }

  @Test
  void pausedDagIsReported() throws Exception {
    wm.stubFor(get(urlPathEqualTo(API + "/dags/" + DAG)).willReturn(json(200, """
        {"dag_id": "%s", "dag_display_name": "%s", "root_dag_id": null, "is_paused": true, "is_active": true, "is_subdag": false,
         "last_parsed_time": "2026-11-22T02:00:00+00:00", "last_pickled": null, "last_expired": null, "scheduler_lock": null,
         "pickle_id": null, "default_view": "grid", "fileloc": "/kaapana/mounted/workflows/dags/dag_secaimed_segmentation.py",
         "file_token": "abc", "owners": ["kaapana"], "description": null, "schedule_interval": null, "timetable_description": "Never, external triggers only",
         "tags": [], "max_active_tasks": 10, "max_active_runs": 10, "has_task_concurrency_limits": false, "has_import_errors": false,
         "next_dagrun": null, "next_dagrun_data_interval_start": null, "next_dagrun_data_interval_end": null, "next_dagrun_create_after": null,
         "max_consecutive_failed_dag_runs": 0}""".formatted(DAG, DAG))));
    assertThat(client.isPaused(DAG)).isTrue();
  }

  @Test
  void conflictIsATypedErrorWithAirflowsDetail() {
    wm.stubFor(post(urlPathEqualTo(API + "/dags/" + DAG + "/dagRuns"))
        .willReturn(problem(409, "Conflict", "DAGRun with DAG ID: 'secaimed-segmentation' and DAGRun ID: 'r1' already exists")));
    assertThatThrownBy(() -> client.trigger(DAG, "r1", Map.of()))
        .isInstanceOfSatisfying(AirflowException.class, e -> assertThat(e.httpStatus()).isEqualTo(409))
        .hasMessageContaining("trigger DAG secaimed-segmentation").hasMessageContaining("already exists");
  }

  @Test
  void wrongCredentialsAreATypedError() {
    wm.stubFor(get(urlPathEqualTo(API + "/dags/" + DAG + "/dagRuns/" + RUN))
        .willReturn(problem(401, "Unauthorized", "No credentials found")));
    assertThatThrownBy(() -> client.run(DAG, RUN))
        .isInstanceOfSatisfying(AirflowException.class, e -> assertThat(e.httpStatus()).isEqualTo(401));
  }

  @Test
  void theSpecCheckCatchesAResponseAirflowWouldNeverSend() throws Exception {
    // state 42 and a non-date start_date: the official spec must flag this exchange.
    wm.stubFor(get(urlPathEqualTo(API + "/dags/" + DAG + "/dagRuns/" + RUN))
        .willReturn(json(200, "{\"dag_run_id\": \"" + RUN + "\", \"state\": 42, \"start_date\": \"yesterday\"}")));
    try {
      client.run(DAG, RUN);
    } catch (AirflowException expected) {
      // the generated model may refuse it too; what matters here is the validator's verdict
    }
    expectSpecViolations = true;
  }
}
