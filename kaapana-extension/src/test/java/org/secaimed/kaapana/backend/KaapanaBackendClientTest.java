package org.secaimed.kaapana.backend;

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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.secaimed.kaapana.auth.AccessToken;

/** kaapana-backend through WireMock (the backend cannot run here); shapes from Kaapana 0.6.0's client router. */
class KaapanaBackendClientTest {
  static final String UID1 = "1.2.826.0.1.3680043.8.498.11";
  static final String UID2 = "1.2.826.0.1.3680043.8.498.12";
  static final String PROJECT_JSON = """
      {"id": "2f6c3f1e-8a4b-4d5e-9f00-1a2b3c4d5e6f", "external_id": null, "name": "admin", "description": "Initial admin project",
       "kubernetes_namespace": "project-admin", "s3_bucket": "project-admin", "opensearch_index": "project_admin"}""";

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

  KaapanaBackendClient client;
  int tokenCalls;

  @BeforeEach
  void client() {
    client = new KaapanaBackendClient(new OkHttpClient(), HttpUrl.get(wm.baseUrl()), () -> {
      tokenCalls++;
      return new AccessToken("eyJ.test.token", Instant.now().plusSeconds(300));
    });
    wm.stubFor(get(urlPathEqualTo("/aii/projects/admin")).withHeader("Authorization", equalTo("Bearer eyJ.test.token"))
        .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(PROJECT_JSON)));
  }

  @Test
  void submitsTheWorkflowWithTokenProjectCookieAndIdentifiers() throws Exception {
    wm.stubFor(post(urlPathEqualTo("/kaapana-backend/client/workflow"))
        .withHeader("Authorization", equalTo("Bearer eyJ.test.token"))
        .withHeader("Cookie", containing("Project="))
        .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("""
            {"workflow_id": "Ab3dE9", "workflow_name": "liver-seg-Ab3dE9", "workflow_status": null, "dag_id": null,
             "service_workflow": false, "federated": false, "username": "system", "status": null,
             "time_created": "2026-11-22T02:15:00", "time_updated": "2026-11-22T02:15:00", "automatic_execution": false,
             "involved_kaapana_instances": "['central']"}""")));

    KaapanaProject project = client.project("admin");
    SubmittedWorkflow wf = client.submit(project, WorkflowSubmission.builder().dagId("secaimed-segmentation")
        .workflowName("liver-seg").instanceName("central").username("system")
        .formValue("algorithm", "organ-seg").formValue("single_execution", true).series(List.of(UID1, UID2)).build());

    assertThat(project.kubernetesNamespace()).isEqualTo("project-admin");
    assertThat(wf.workflowName()).isEqualTo("liver-seg-Ab3dE9");
    wm.verify(postRequestedFor(urlPathEqualTo("/kaapana-backend/client/workflow")).withRequestBody(equalToJson("""
        {"dag_id": "secaimed-segmentation", "workflow_name": "liver-seg", "instance_names": ["central"], "federated": false,
         "username": "system",
         "conf_data": {"workflow_form": {"algorithm": "organ-seg", "single_execution": true},
                       "data_form": {"identifiers": ["%s", "%s"]}}}""".formatted(UID1, UID2))));
    String cookie = wm.getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().endsWith("/workflow"))
        .findFirst().orElseThrow().getRequest().getHeader("Cookie");
    assertThat(URLDecoder.decode(cookie.substring("Project=".length()), StandardCharsets.UTF_8))
        .isEqualTo("{\"id\":\"2f6c3f1e-8a4b-4d5e-9f00-1a2b3c4d5e6f\",\"name\":\"admin\"}");
  }

  @Test
  void awaitTreatsNoJobsAsNotYetAndReturnsWhenAllAreFinal() throws Exception {
    String jobs = "/kaapana-backend/client/jobs";
    wm.stubFor(get(urlPathEqualTo(jobs)).withQueryParam("workflow_name", equalTo("liver-seg-Ab3dE9")).inScenario("jobs")
        .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("[]"))
        .willSetStateTo("running"));
    wm.stubFor(get(urlPathEqualTo(jobs)).inScenario("jobs").whenScenarioStateIs("running")
        .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(
            "[" + job(1, "finished", UID1) + "," + job(2, "running", UID2) + "]")).willSetStateTo("done"));
    wm.stubFor(get(urlPathEqualTo(jobs)).inScenario("jobs").whenScenarioStateIs("done")
        .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(
            "[" + job(1, "finished", UID1) + "," + job(2, "failed", UID2) + "]")));

    List<Integer> sizes = new ArrayList<>();
    List<BackendJob> done = client.await(client.project("admin"), "liver-seg-Ab3dE9", Duration.ofMillis(10), Duration.ofSeconds(10),
        js -> sizes.add(js.size()));

    assertThat(sizes).containsExactly(0, 2, 2);
    assertThat(done).extracting(BackendJob::status).containsExactly("finished", "failed");
    assertThat(done.get(1).isSuccess()).isFalse();
    assertThat(tokenCalls).isGreaterThanOrEqualTo(4); // every request asks the token source (which caches)
  }

  @Test
  void forbiddenDagIsATypedErrorWithTheBackendsDetail() throws Exception {
    wm.stubFor(post(urlPathEqualTo("/kaapana-backend/client/workflow")).willReturn(aResponse().withStatus(403)
        .withHeader("Content-Type", "application/json").withBody("{\"detail\": \"dag secaimed-segmentation is not enabled in project admin\"}")));
    KaapanaProject project = client.project("admin");
    WorkflowSubmission s = WorkflowSubmission.builder().dagId("secaimed-segmentation").instanceName("central").series(UID1).build();
    assertThatThrownBy(() -> client.submit(project, s))
        .isInstanceOfSatisfying(KaapanaBackendException.class, e -> assertThat(e.httpStatus()).isEqualTo(403))
        .hasMessageContaining("POST /client/workflow").hasMessageContaining("not enabled in project admin");
  }

  @Test
  void submissionBuilderRefusesIncompleteOrMalformedInput() {
    assertThatThrownBy(() -> WorkflowSubmission.builder().dagId("d").instanceName("c").build()).hasMessageContaining("identifiers");
    assertThatThrownBy(() -> WorkflowSubmission.builder().dagId("d").series(UID1).build()).hasMessageContaining("instance_names");
    assertThatThrownBy(() -> WorkflowSubmission.builder().dagId("d e").instanceName("c").series(UID1).build()).hasMessageContaining("dag_id");
    assertThatThrownBy(() -> WorkflowSubmission.builder().dagId("d").instanceName("c").series("1.2.x").build())
        .hasMessageContaining("identifiers[0]");
  }

  static String job(long id, String status, String uid) {
    return """
        {"status": "%s", "dag_id": "secaimed-segmentation", "run_id": "secaimed-segmentation-2511220215%06d", "description": null,
         "external_job_id": null, "owner_kaapana_instance_name": "central", "service_job": false, "id": %d,
         "conf_data": {"data_form": {"identifiers": ["%s"]}}, "username": "system",
         "time_created": "2026-11-22T02:15:00", "time_updated": "2026-11-22T02:16:00",
         "kaapana_instance": null, "workflow": null}""".formatted(status, id, id, uid);
  }
}
