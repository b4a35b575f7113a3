package org.secaimed.kaapana.airflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.secaimed.kaapana.airflow.generated.ApiClient;
import org.secaimed.kaapana.airflow.generated.api.DagApi;
import org.secaimed.kaapana.airflow.generated.api.DagRunApi;
import org.secaimed.kaapana.airflow.generated.api.TaskInstanceApi;
import org.secaimed.kaapana.airflow.generated.model.DAG;
import org.secaimed.kaapana.airflow.generated.model.DAGRun;
import org.secaimed.kaapana.airflow.generated.model.GetLog200Response;
import org.secaimed.kaapana.airflow.generated.model.TaskInstance;
import org.secaimed.kaapana.airflow.generated.model.TaskInstanceCollection;
import retrofit2.Call;
import retrofit2.Response;

/**
 * Airflow stable REST API v1 with Basic auth, as Kaapana's in-cluster services call it
 * ({@code http://airflow-webserver-service.services.svc:8080/flow/api/v1}). Wraps the client
 * generated from {@code src/main/openapi/airflow-v1-subset.yaml}: trigger a DAG with a conf, poll
 * the run, list its task instances, read a task's log.
 */
public final class AirflowClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE = 100;

  private final DagApi dags;
  private final DagRunApi runs;
  private final TaskInstanceApi tasks;

  /**
   * @param apiBase the API root, ending in {@code /api/v1} (Kaapana: {@code …/flow/api/v1})
   */
  public AirflowClient(OkHttpClient http, HttpUrl apiBase, String username, String password) {
    Objects.requireNonNull(apiBase, "apiBase");
    String basic = Credentials.basic(Objects.requireNonNull(username, "username"), Objects.requireNonNull(password, "password"));
    OkHttpClient authed = http.newBuilder()
        .addInterceptor(chain -> chain.proceed(chain.request().newBuilder().header("Authorization", basic).build()))
        .build();
    ApiClient api = new ApiClient(authed);
    String base = apiBase.toString();
    api.getAdapterBuilder().baseUrl(base.endsWith("/") ? base : base + "/");
    this.dags = api.createService(DagApi.class);
    this.runs = api.createService(DagRunApi.class);
    this.tasks = api.createService(TaskInstanceApi.class);
  }

  /** Whether the DAG exists and is paused (a paused DAG's runs stay queued). */
  public boolean isPaused(String dagId) throws IOException {
    DAG dag = execute("get DAG " + dagId, dags.getDag(dagId, null));
    return Boolean.TRUE.equals(dag.getIsPaused());
  }

  /**
   * Triggers a run. Only writable, non-null fields are sent (Airflow 2 rejects read-only fields and
   * a null {@code logical_date}).
   *
   * @param runId null lets Airflow name the run ({@code manual__<date>})
   */
  public RunStatus trigger(String dagId, String runId, Map<String, Object> conf) throws IOException {
    DAGRun body = new DAGRun().conf(new LinkedHashMap<>(conf));
    if (runId != null) body.dagRunId(runId);
    return status(execute("trigger DAG " + dagId, runs.postDagRun(dagId, body)));
  }

  public RunStatus run(String dagId, String runId) throws IOException {
    return status(execute("get run " + dagId + "/" + runId, runs.getDagRun(dagId, runId, null)));
  }

  /** Every task instance of the run (pages through the collection). */
  public List<TaskStatus> taskInstances(String dagId, String runId) throws IOException {
    List<TaskStatus> all = new ArrayList<>();
    for (int offset = 0; ; offset += PAGE) {
      TaskInstanceCollection page = execute("list task instances of " + dagId + "/" + runId,
          tasks.getTaskInstances(dagId, runId, PAGE, offset));
      List<TaskInstance> items = page.getTaskInstances() == null ? List.of() : page.getTaskInstances();
      for (TaskInstance ti : items) {
        all.add(new TaskStatus(ti.getTaskId(), ti.getState() == null ? null : ti.getState().getValue(),
            ti.getTryNumber() == null ? 0 : ti.getTryNumber(), ti.getDuration() == null ? null : ti.getDuration().doubleValue()));
      }
      int total = page.getTotalEntries() == null ? all.size() : page.getTotalEntries();
      if (items.isEmpty() || all.size() >= total) return all;
    }
  }

  /** The full log of one try of a task. */
  public String log(String dagId, String runId, String taskId, int tryNumber) throws IOException {
    GetLog200Response r = execute("get log of " + dagId + "/" + runId + "/" + taskId + " try " + tryNumber,
        tasks.getLog(dagId, runId, taskId, tryNumber, true, null, null));
    return r.getContent() == null ? "" : r.getContent();
  }

  /**
   * Polls the run until it is final or {@code timeout} passes.
   *
   * @param onPoll sees each poll's run status and task list (for progress output)
   */
  public RunStatus await(String dagId, String runId, Duration interval, Duration timeout,
      BiConsumer<RunStatus, List<TaskStatus>> onPoll) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      RunStatus status = run(dagId, runId);
      onPoll.accept(status, taskInstances(dagId, runId));
      if (status.isFinal()) return status;
      if (Instant.now().isAfter(deadline)) {
        throw new AirflowException("await run " + dagId + "/" + runId, 0, "still " + status.state() + " after " + timeout, null);
      }
      Thread.sleep(interval.toMillis());
    }
  }

  private static RunStatus status(DAGRun r) {
    return new RunStatus(r.getDagId(), r.getDagRunId(), r.getState() == null ? null : r.getState().getValue(),
        r.getStartDate(), r.getEndDate());
  }

  private static <T> T execute(String operation, Call<T> call) throws AirflowException {
    Response<T> response;
    try {
      response = call.execute();
    } catch (IOException e) {
      throw new AirflowException(operation, 0, e.getMessage(), e);
    } catch (RuntimeException e) {
      // Jackson mapping problems surface as runtime exceptions from the converter.
      throw new AirflowException(operation, 0, "unreadable answer: " + e.getMessage(), e);
    }
    if (!response.isSuccessful()) {
      throw new AirflowException(operation, response.code(), problemDetail(response), null);
    }
    T body = response.body();
    if (body == null) throw new AirflowException(operation, response.code(), "empty answer", null);
    return body;
  }

  /** Airflow answers errors as RFC 7807 problem JSON: show title and detail. */
  private static String problemDetail(Response<?> response) {
    try (okhttp3.ResponseBody err = response.errorBody()) {
      if (err == null) return null;
      String text = err.string();
      try {
        var node = JSON.readTree(text);
        String title = node.path("title").asText("");
        String detail = node.path("detail").asText("");
        if (!title.isEmpty() || !detail.isEmpty()) return (title + (detail.isEmpty() ? "" : " – " + detail)).trim();
      } catch (IOException notJson) {
        // fall through to the raw text
      }
      return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    } catch (IOException e) {
      return null;
    }
  }
}
