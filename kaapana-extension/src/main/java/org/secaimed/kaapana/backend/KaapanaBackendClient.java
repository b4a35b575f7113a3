package org.secaimed.kaapana.backend;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.secaimed.kaapana.auth.TokenSource;

/**
 * Starts and watches workflows the way Kaapana's Workflow UI and CI do: a Keycloak bearer token,
 * the {@code Project} cookie and header naming the project, {@code POST /kaapana-backend/client/workflow},
 * then {@code GET /kaapana-backend/client/jobs?workflow_name=…} until every job is final.
 * Airflow's own API is admin-only behind Kaapana's gateway, so this is the path for a CLI.
 */
public final class KaapanaBackendClient {
  private static final MediaType JSON_TYPE = MediaType.get("application/json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OkHttpClient http;
  private final HttpUrl platformUrl;
  private final TokenSource tokens;

  /**
   * @param platformUrl the Kaapana host, e.g. {@code https://kaapana.example.org}; the backend is
   *     at {@code /kaapana-backend} and the project registry at {@code /aii} below it
   */
  public KaapanaBackendClient(OkHttpClient http, HttpUrl platformUrl, TokenSource tokens) {
    this.http = Objects.requireNonNull(http, "http");
    this.platformUrl = Objects.requireNonNull(platformUrl, "platformUrl");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
  }

  /** {@code GET /aii/projects/<name>}: the project's id and namespaces. */
  public KaapanaProject project(String name) throws IOException {
    HttpUrl url = platformUrl.newBuilder().addPathSegments("aii/projects").addPathSegment(name).build();
    return JSON.readValue(call("GET /aii/projects/" + name, get(url, null)), KaapanaProject.class);
  }

  /** {@code GET /kaapana-backend/client/kaapana-instance}: the local instance's name. */
  public String localInstanceName(KaapanaProject project) throws IOException {
    HttpUrl url = backend("client/kaapana-instance").build();
    Map<String, Object> m = JSON.readValue(call("GET /client/kaapana-instance", get(url, project)), new TypeReference<>() {});
    Object name = m.get("instance_name");
    if (!(name instanceof String s) || s.isBlank()) {
      throw new KaapanaBackendException("GET /client/kaapana-instance", 200, "answer lacks instance_name", null);
    }
    return s;
  }

  /** {@code POST /kaapana-backend/client/workflow}. */
  public SubmittedWorkflow submit(KaapanaProject project, WorkflowSubmission submission) throws IOException {
    byte[] body = JSON.writeValueAsBytes(submission.toJson());
    Request.Builder r = authorized(backend("client/workflow").build(), project)
        .post(RequestBody.create(body, JSON_TYPE));
    String answer = call("POST /client/workflow (dag " + submission.dagId() + ")", r);
    try {
      return JSON.readValue(answer, SubmittedWorkflow.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new KaapanaBackendException("POST /client/workflow", 200, "unexpected answer: " + e.getMessage(), e);
    }
  }

  /** {@code GET /kaapana-backend/client/jobs?workflow_name=…}. */
  public List<BackendJob> jobs(KaapanaProject project, String workflowName) throws IOException {
    HttpUrl url = backend("client/jobs").addQueryParameter("workflow_name", workflowName).build();
    return JSON.readValue(call("GET /client/jobs", get(url, project)), new TypeReference<List<BackendJob>>() {});
  }

  /**
   * Polls the jobs of a workflow until all are final or {@code timeout} passes. The backend creates
   * jobs asynchronously, so an empty list is "not yet", not "done".
   *
   * @param onPoll sees every poll's job list (for progress output)
   * @return the final job list
   */
  public List<BackendJob> await(KaapanaProject project, String workflowName, Duration interval, Duration timeout,
      Consumer<List<BackendJob>> onPoll) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      List<BackendJob> jobs = jobs(project, workflowName);
      onPoll.accept(jobs);
      if (!jobs.isEmpty() && jobs.stream().allMatch(BackendJob::isFinal)) return jobs;
      if (Instant.now().isAfter(deadline)) {
        throw new KaapanaBackendException("await workflow " + workflowName, 0, "not finished after " + timeout, null);
      }
      Thread.sleep(interval.toMillis());
    }
  }

  private HttpUrl.Builder backend(String path) {
    return platformUrl.newBuilder().addPathSegment("kaapana-backend").addPathSegments(path);
  }

  private Request.Builder get(HttpUrl url, KaapanaProject project) throws IOException {
    return authorized(url, project).get();
  }

  private Request.Builder authorized(HttpUrl url, KaapanaProject project) throws IOException {
    Request.Builder r = new Request.Builder().url(url)
        .header("Authorization", tokens.accessToken().authorizationHeader())
        .header("Accept", "application/json");
    if (project != null) {
      // Kaapana's auth-backend reads the project from this cookie (URL-encoded JSON with id and name).
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("id", project.id());
      p.put("name", project.name());
      String json = JSON.writeValueAsString(p);
      r.header("Cookie", "Project=" + URLEncoder.encode(json, StandardCharsets.UTF_8));
      r.header("Project", JSON.writeValueAsString(project));
    }
    return r;
  }

  private String call(String what, Request.Builder request) throws IOException {
    try (Response response = http.newCall(request.build()).execute()) {
      ResponseBody b = response.body();
      String text = b == null ? "" : b.string();
      if (!response.isSuccessful()) {
        throw new KaapanaBackendException(what, response.code(), detail(text), null);
      }
      return text;
    } catch (KaapanaBackendException e) {
      throw e;
    } catch (IOException e) {
      throw new KaapanaBackendException(what, 0, e.getMessage(), e);
    }
  }

  /** FastAPI errors carry {@code detail}; show it, trimmed. */
  private static String detail(String text) {
    try {
      Object d = JSON.readTree(text).path("detail");
      String s = d.toString();
      if (!s.isEmpty() && !"\"\"".equals(s) && !s.equals("null") && !((com.fasterxml.jackson.databind.JsonNode) d).isMissingNode()) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
      }
    } catch (IOException ignored) {
      // not JSON: fall through
    }
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }
}
