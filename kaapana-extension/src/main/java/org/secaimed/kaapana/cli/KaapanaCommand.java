package org.secaimed.kaapana.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.secaimed.kaapana.airflow.AirflowClient;
import org.secaimed.kaapana.airflow.KaapanaRunIds;
import org.secaimed.kaapana.airflow.RunStatus;
import org.secaimed.kaapana.airflow.TaskStatus;
import org.secaimed.kaapana.auth.KeycloakRealm;
import org.secaimed.kaapana.auth.KeycloakTokenClient;
import org.secaimed.kaapana.auth.PasswordCredentials;
import org.secaimed.kaapana.backend.BackendJob;
import org.secaimed.kaapana.backend.KaapanaBackendClient;
import org.secaimed.kaapana.backend.KaapanaProject;
import org.secaimed.kaapana.backend.SubmittedWorkflow;
import org.secaimed.kaapana.backend.WorkflowSubmission;
import org.secaimed.kaapana.operator.JobReport;
import org.secaimed.kaapana.operator.KaapanaEnvironment;
import org.secaimed.kaapana.operator.KaapanaEnvironmentException;
import org.secaimed.kaapana.operator.KaapanaJob;
import org.secaimed.kaapana.operator.KaapanaJobs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code secaimed kaapana}: the operator's container entry point ({@code run}) and starting and
 * watching workflows from outside ({@code trigger}, {@code status}) through kaapana-backend (the
 * default, what the Workflow UI does) or Airflow's REST API (Basic auth, in-cluster).
 */
@Command(name = "kaapana", description = "Kaapana operator entry point, workflow triggers and status",
    subcommands = {KaapanaCommand.Run.class, KaapanaCommand.Trigger.class, KaapanaCommand.Status.class})
public final class KaapanaCommand implements Runnable {
  /** The process environment; tests substitute their own. */
  static Supplier<Map<String, String>> environment = System::getenv;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: run, trigger or status");
  }

  enum Via { backend, airflow }

  /** Where the platform is and how to log in; secrets only from the environment. */
  static final class Connection {
    @Option(names = "--via", defaultValue = "backend", description = "backend (Keycloak + kaapana-backend, default) or airflow (REST API v1, Basic auth)")
    Via via;
    @Option(names = "--kaapana-url", paramLabel = "URL", description = "Kaapana host for --via backend, e.g. https://kaapana.example.org (env KAAPANA_URL)")
    String kaapanaUrl;
    @Option(names = "--keycloak-url", paramLabel = "URL", description = "Keycloak base without /auth (default: the Kaapana URL)")
    String keycloakUrl;
    @Option(names = "--project", defaultValue = "admin", description = "Kaapana project (default admin)")
    String project;
    @Option(names = "--airflow-url", paramLabel = "URL", description = "Airflow API root for --via airflow, e.g. http://airflow-webserver-service.services.svc:8080/flow/api/v1 (env AIRFLOW_API_URL)")
    String airflowUrl;
    @Option(names = "--timeout", defaultValue = "2h", paramLabel = "DURATION", description = "how long --wait waits, e.g. 30m, 2h, 1h30m or PT2H (default 2h)")
    Duration timeout;
    @Option(names = "--interval", defaultValue = "5s", paramLabel = "DURATION", description = "poll interval, e.g. 5s (default 5s)")
    Duration interval;
    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE) CommandLine.Model.CommandSpec mixee;

    /** A missing URL or credential is a usage mistake (exit 2) naming the option or variable to set. */
    <T> T client(Supplier<T> build) {
      try {
        return build.get();
      } catch (IllegalArgumentException e) {
        throw Usage.error(mixee, e.getMessage());
      }
    }

    OkHttpClient http() {
      return new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(60)).build();
    }

    KaapanaBackendClient backend(Map<String, String> env) {
      String host = firstSet(kaapanaUrl, env.get("KAAPANA_URL"), "--kaapana-url or KAAPANA_URL");
      HttpUrl url = parse(host, "--kaapana-url");
      KeycloakRealm realm = KeycloakRealm.kaapana(keycloakUrl != null ? keycloakUrl : host);
      OkHttpClient http = http();
      return new KaapanaBackendClient(http, url,
          new KeycloakTokenClient(http, realm, PasswordCredentials.fromKaapanaEnvironment(env)));
    }

    AirflowClient airflow(Map<String, String> env) {
      String api = firstSet(airflowUrl, env.get("AIRFLOW_API_URL"), "--airflow-url or AIRFLOW_API_URL");
      return new AirflowClient(http(), parse(api, "--airflow-url"),
          firstSet(env.get("AIRFLOW_USERNAME"), null, "AIRFLOW_USERNAME"),
          firstSet(env.get("AIRFLOW_PASSWORD"), null, "AIRFLOW_PASSWORD"));
    }

    static String firstSet(String a, String b, String what) {
      if (a != null && !a.isBlank()) return a;
      if (b != null && !b.isBlank()) return b;
      throw new IllegalArgumentException(what + " is not set");
    }

    static HttpUrl parse(String url, String option) {
      HttpUrl u = HttpUrl.parse(url);
      if (u == null) throw new IllegalArgumentException(option + ": not an http(s) URL: " + url);
      return u;
    }
  }

  @Command(name = "run", description = {"Container entry point: read Kaapana's environment and conf.json, then run the job.",
      "Exit 0 done, 1 a series failed, 2 usage, 126 every series skipped (Kaapana's 'skipped' code)."})
  static final class Run implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Option(names = "--check", description = "only check: read the environment, parse and validate the policy and the site key, list every problem, and exit")
    boolean check;
    @Option(names = "--online", description = "with --check: also reach the gateway and attest it under the site's policy (uploads nothing)")
    boolean online;
    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Map<String, String> env = environment.get();
      KaapanaEnvironment ke;
      try {
        ke = KaapanaEnvironment.load(env);
      } catch (KaapanaEnvironmentException e) {
        return environmentFailed(e, out, err);
      }
      if (check) return check(ke, out);
      Optional<KaapanaJob> job = KaapanaJobs.find();
      if (job.isEmpty()) {
        String msg = "pipeline not wired yet: no KaapanaJob implementation on the class path";
        if (json) JsonOutput.failed(out, new ErrorReport("NOT_WIRED", msg, null), Map.of());
        else err.println("kaapana run: " + msg);
        return SecaimedCli.EXIT_FAILED;
      }
      // enable_proxy=True gives the pod http(s)_proxy/no_proxy; every OkHttp client follows the default selector.
      try {
        String proxy = org.secaimed.kaapana.net.EnvProxySelector.install(env);
        if (!json) err.println("kaapana run: " + proxy);
      } catch (IllegalArgumentException e) {
        if (json) JsonOutput.failed(out, new ErrorReport("ENVIRONMENT", e.getMessage(), "https_proxy"), Map.of());
        else err.println("kaapana run: environment: " + e.getMessage());
        return SecaimedCli.EXIT_FAILED;
      }
      OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofMinutes(5)).build();
      KeycloakTokenClient tokens = new KeycloakTokenClient(http, KeycloakRealm.kaapana(ke.keycloakUrl().toString()), ke.credentials());
      JobReport report;
      try {
        report = job.get().run(ke, tokens);
      } catch (Exception e) {
        // A failure before any series outcome exists (keys, policy, gateway): one clear line, exit 1.
        ErrorReport error = ErrorReport.of(e);
        if (json) JsonOutput.failed(out, new ErrorReport("JOB_FAILED", error.line(), null), Map.of());
        else err.println("kaapana run: job failed: " + error.line());
        if ("1".equals(env.get("SECAIMED_DEBUG"))) e.printStackTrace(err);
        return SecaimedCli.EXIT_FAILED;
      }
      if (json) {
        Map<String, Object> m = describe(ke);
        m.remove("ok");
        m.put("exitCode", report.exitCode());
        m.put("outcomes", report.series());
        if (report.exitCode() == 0) JsonOutput.ok(out, m);
        else if (report.exitCode() == KaapanaEnvironment.EXIT_SKIPPED) JsonOutput.failed(out, new ErrorReport("ALL_SKIPPED", "every series was skipped (exit 126, Kaapana's 'skipped')", null), m);
        else JsonOutput.failed(out, new ErrorReport("SERIES_FAILED", report.series().stream().filter(s -> s.status() == JobReport.Status.FAILED).count() + " series failed", null), m);
      } else {
        for (JobReport.SeriesOutcome s : report.series()) out.println(s.status() + " " + s.seriesUid() + (s.detail() == null ? "" : " – " + s.detail()));
      }
      return report.exitCode();
    }

    /**
     * The environment cannot be read: every problem, one line each (text) or as a {@code problems}
     * list beside the envelope's error (JSON). With --check the lines go to standard output (they are
     * the report); a run prints them as its error.
     */
    private int environmentFailed(KaapanaEnvironmentException e, PrintWriter out, PrintWriter err) {
      List<Map<String, Object>> problems = e.problems().stream().map(p -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", p.source());
        m.put("message", ErrorReport.clean(p.message()));
        return m;
      }).toList();
      String summary = problems.size() == 1 ? ErrorReport.clean(e.getMessage())
          : problems.size() + " problems in the environment, first " + ErrorReport.clean(e.problems().get(0).line());
      if (json) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("source", e.source());
        fields.put("problems", problems);
        JsonOutput.failed(out, new ErrorReport(check ? "CHECK_FAILED" : "ENVIRONMENT", summary, e.source()), fields);
      } else {
        PrintWriter to = check ? out : err;
        if (!check && problems.size() == 1) to.println("kaapana run: environment: " + summary);
        else {
          if (!check) to.println("kaapana run: environment: " + problems.size() + " problems");
          for (Map<String, Object> p : problems) to.printf("  FAIL %s: %s%n", p.get("source"), p.get("message"));
          if (check) to.println("environment NOT ok: " + problems.size() + " problem(s)");
        }
        to.flush();
      }
      return SecaimedCli.EXIT_FAILED;
    }

    /** Every problem at once; exit 1 if there is any. */
    private int check(KaapanaEnvironment ke, PrintWriter out) {
      List<RunCheck.Item> items = RunCheck.run(ke, online);
      List<RunCheck.Item> problems = items.stream().filter(i -> !i.ok()).toList();
      if (json) {
        Map<String, Object> m = describe(ke);
        m.remove("ok");
        m.put("checks", items.stream().map(RunCheck.Item::toJson).toList());
        if (problems.isEmpty()) JsonOutput.ok(out, m);
        else JsonOutput.failed(out, new ErrorReport("CHECK_FAILED", problems.size() + " problem(s): "
            + String.join("; ", problems.stream().map(p -> p.source() + ": " + p.problem()).toList()), null), m);
      } else {
        Map<String, Object> m = describe(ke);
        out.printf("run %s, dag %s, %s with %s on %d series, project %s%n", m.get("runId"), m.get("dagId"), m.get("taskKind"),
            m.get("algorithm"), ke.seriesUids().size(), m.get("project"));
        out.printf("  gateway profile %s: %s%n", m.get("gatewayProfile"), m.get("gatewayUrl"));
        out.printf("  DICOM: calling AE %s, called AE %s, PACS %s%n", m.get("callingAeTitle"), m.get("calledAeTitle"), m.get("pacs"));
        for (RunCheck.Item i : items) out.printf("  %-4s %s%s%n", i.ok() ? "ok" : "FAIL", i.source(), i.ok() ? "" : ": " + i.problem());
        out.println(problems.isEmpty() ? "environment ok" : "environment NOT ok: " + problems.size() + " problem(s)");
      }
      out.flush();
      return problems.isEmpty() ? SecaimedCli.EXIT_OK : SecaimedCli.EXIT_FAILED;
    }

    private static Map<String, Object> describe(KaapanaEnvironment ke) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ok", true);
      m.put("runId", ke.runId());
      m.put("dagId", ke.dagId());
      m.put("taskKind", ke.taskKind().name().toLowerCase(java.util.Locale.ROOT));
      m.put("algorithm", ke.algorithm());
      m.put("series", ke.seriesUids());
      m.put("project", ke.project().name());
      m.put("callingAeTitle", ke.aeTitles().calling().value());
      m.put("calledAeTitle", ke.aeTitles().called().value());
      m.put("pacs", ke.pacsHost() + ":" + ke.pacsPort());
      m.put("gatewayProfile", ke.site().gatewayProfile());
      m.put("gatewayUrl", ke.site().gatewayUrl());
      m.put("defaultAlgorithm", ke.site().defaultAlgorithm().orElse(null));
      return m;
    }
  }

  @Command(name = "trigger", description = "Start a workflow on series (via kaapana-backend by default)")
  static final class Trigger implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin Connection connection;
    @Option(names = "--dag", paramLabel = "DAG", required = true, description = "DAG id, e.g. secaimed-segmentation")
    String dagId;
    @Option(names = "--series", required = true, arity = "1..*", description = "series instance UIDs")
    List<String> series;
    @Option(names = "--form", description = "workflow_form values key=value (never secrets: they are copied into conf.json)")
    Map<String, String> form = new LinkedHashMap<>();
    @Option(names = "--workflow-name", paramLabel = "NAME", description = "workflow name (backend) or run id (airflow)")
    String workflowName;
    @Option(names = "--wait", description = "wait until the run is final and exit 1 if it failed")
    boolean wait;
    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
      Map<String, String> env = environment.get();
      PrintWriter out = spec.commandLine().getOut();
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("via", connection.via.name());
      result.put("dagId", dagId);
      int exit = SecaimedCli.EXIT_OK;
      if (connection.via == Via.backend) {
        KaapanaBackendClient backend = connection.client(() -> connection.backend(env));
        KaapanaProject project = backend.project(connection.project);
        // Kaapana's own CI sends username; without it the backend needs oauth2-proxy's header (400 otherwise).
        WorkflowSubmission.Builder b = WorkflowSubmission.builder().dagId(dagId).workflowName(workflowName)
            .username(PasswordCredentials.fromKaapanaEnvironment(env).username())
            .instanceName(backend.localInstanceName(project)).series(series);
        form.forEach(b::formValue);
        SubmittedWorkflow submitted = backend.submit(project, b.build());
        result.put("workflowName", submitted.workflowName());
        result.put("workflowId", submitted.workflowId());
        if (!json) out.println("submitted workflow " + submitted.workflowName() + " (" + series.size() + " series, dag " + dagId + ")");
        if (wait) {
          List<BackendJob> jobs = followBackend(spec, json, connection, backend, project, submitted.workflowName());
          boolean ok = jobs.stream().allMatch(BackendJob::isSuccess);
          result.put("jobs", jobs);
          result.put("succeeded", ok);
          if (!json) out.println(ok ? "finished: all " + jobs.size() + " jobs succeeded" : "FAILED: " + summarize(jobs));
          if (!ok) exit = SecaimedCli.EXIT_FAILED;
        }
      } else {
        AirflowClient airflow = connection.client(() -> connection.airflow(env));
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put("workflow_form", new LinkedHashMap<>(form));
        conf.put("data_form", Map.of("identifiers", series));
        // Without the backend nobody adds project_form: name the project the way Kaapana does.
        conf.put("project_form", Map.of("name", connection.project, "kubernetes_namespace", "project-" + connection.project,
            "opensearch_index", "project_" + connection.project));
        // Kaapana 0.6.0 turns the run id into a ConfigMap name: Kaapana-style, never Airflow's manual__<time>.
        String runId = connection.client(() -> workflowName == null
            ? KaapanaRunIds.generate(dagId, java.time.Clock.systemUTC()) : KaapanaRunIds.check(workflowName));
        RunStatus run = airflow.trigger(dagId, runId, conf);
        result.put("runId", run.runId());
        result.put("state", run.state());
        if (!json) out.println("triggered " + dagId + " run " + run.runId() + " (" + run.state() + ")");
        if (wait) {
          RunStatus done = followAirflow(spec, json, connection, airflow, dagId, run.runId());
          result.put("state", done.state());
          result.put("succeeded", done.isSuccess());
          if (!json) out.println("run " + done.runId() + ": " + done.state());
          if (!done.isSuccess()) exit = SecaimedCli.EXIT_FAILED;
        }
      }
      if (json) {
        if (exit == SecaimedCli.EXIT_OK) JsonOutput.ok(out, result);
        else JsonOutput.failed(out, new ErrorReport("RUN_FAILED", "the workflow did not succeed", null), result);
      }
      return exit;
    }
  }

  @Command(name = "status", description = "Show a run's state and tasks (backend: workflow name; airflow: run id with --dag)")
  static final class Status implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin Connection connection;
    @Parameters(index = "0", paramLabel = "RUN", description = "workflow name (backend) or DAG run id (airflow)")
    String run;
    @Option(names = "--dag", paramLabel = "DAG", description = "DAG id (required with --via airflow)")
    String dagId;
    @Option(names = "--wait", description = "follow until final, with progress on a terminal")
    boolean wait;
    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
      Map<String, String> env = environment.get();
      PrintWriter out = spec.commandLine().getOut();
      Map<String, Object> result = new LinkedHashMap<>();
      boolean ok;
      boolean running;
      if (connection.via == Via.backend) {
        KaapanaBackendClient backend = connection.client(() -> connection.backend(env));
        KaapanaProject project = backend.project(connection.project);
        List<BackendJob> jobs;
        if (wait) {
          jobs = followBackend(spec, json, connection, backend, project, run);
        } else {
          jobs = backend.jobs(project, run);
        }
        result.put("workflowName", run);
        result.put("jobs", jobs);
        ok = !jobs.isEmpty() && jobs.stream().allMatch(BackendJob::isSuccess);
        running = jobs.isEmpty() || !jobs.stream().allMatch(BackendJob::isFinal);
        if (!json) {
          out.println("workflow " + run + ": " + (jobs.isEmpty() ? "no jobs yet" : summarize(jobs)));
          for (BackendJob j : jobs) out.println("  " + j.status() + "  " + j.dagId() + "  " + (j.runId() == null ? "" : j.runId()));
        }
      } else {
        if (dagId == null) throw new CommandLine.ParameterException(spec.commandLine(), "--dag is required with --via airflow");
        AirflowClient airflow = connection.client(() -> connection.airflow(env));
        RunStatus status;
        if (wait) {
          status = followAirflow(spec, json, connection, airflow, dagId, run);
        } else {
          status = airflow.run(dagId, run);
        }
        List<TaskStatus> tasks = airflow.taskInstances(dagId, run);
        result.put("dagId", dagId);
        result.put("runId", run);
        result.put("state", status.state());
        result.put("tasks", tasks);
        ok = status.isSuccess();
        running = !status.isFinal();
        if (!json) {
          out.println("run " + run + " of " + dagId + ": " + status.state());
          for (TaskStatus t : tasks) out.println("  " + (t.state() == null ? "none" : t.state()) + "  " + t.taskId() + (t.tryNumber() > 1 ? " (try " + t.tryNumber() + ")" : ""));
        }
      }
      result.put("succeeded", ok);
      result.put("final", !running);
      if (json) {
        if (ok || running) JsonOutput.ok(out, result);
        else JsonOutput.failed(out, new ErrorReport("RUN_FAILED", "the run did not succeed", null), result);
      }
      // A run still going is not a failure of this command; a failed one is.
      return ok || running ? SecaimedCli.EXIT_OK : SecaimedCli.EXIT_FAILED;
    }
  }

  /** Waits for a backend workflow's jobs, with a progress bar on a terminal. */
  static List<BackendJob> followBackend(CommandLine.Model.CommandSpec spec, boolean json, Connection connection,
      KaapanaBackendClient backend, KaapanaProject project, String workflowName) throws Exception {
    try (Progress p = new Progress(spec, json, "jobs")) {
      return backend.await(project, workflowName, connection.interval, connection.timeout,
          js -> p.update(js.stream().filter(BackendJob::isFinal).count(), js.size(), summarize(js)));
    }
  }

  /** Waits for an Airflow run, with a progress bar over its task instances on a terminal. */
  static RunStatus followAirflow(CommandLine.Model.CommandSpec spec, boolean json, Connection connection,
      AirflowClient airflow, String dagId, String runId) throws Exception {
    try (Progress p = new Progress(spec, json, "tasks")) {
      return airflow.await(dagId, runId, connection.interval, connection.timeout,
          (r, ts) -> p.update(ts.stream().filter(TaskStatus::isFinal).count(), ts.size(), r.state()));
    }
  }

  static String summarize(List<BackendJob> jobs) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (BackendJob j : jobs) counts.merge(j.status(), 1, Integer::sum);
    List<String> parts = new ArrayList<>();
    counts.forEach((k, v) -> parts.add(v + " " + k));
    return String.join(", ", parts);
  }

  /** A progress bar on a terminal; otherwise one line on stderr whenever the picture changes. */
  static final class Progress implements AutoCloseable {
    private final ProgressBar bar;
    private final PrintWriter err;
    private final boolean quiet;
    private String last = "";

    Progress(CommandLine.Model.CommandSpec spec, boolean json, String unit) {
      this.err = spec.commandLine().getErr();
      this.quiet = json;
      this.bar = !json && System.console() != null
          ? new ProgressBarBuilder().setTaskName(unit).setStyle(ProgressBarStyle.ASCII).setInitialMax(1).build()
          : null;
    }

    void update(long done, long total, String state) {
      if (bar != null) {
        bar.maxHint(Math.max(total, 1));
        bar.stepTo(done);
        bar.setExtraMessage(state == null ? "" : state);
        return;
      }
      String line = done + "/" + total + " " + state;
      if (!quiet && !line.equals(last)) {
        err.println("  " + line);
        err.flush();
      }
      last = line;
    }

    @Override
    public void close() {
      if (bar != null) bar.close();
    }
  }
}
