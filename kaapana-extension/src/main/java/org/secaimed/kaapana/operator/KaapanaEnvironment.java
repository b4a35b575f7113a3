package org.secaimed.kaapana.operator;

import org.secaimed.dicom.dimse.AeTitle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import org.secaimed.kaapana.auth.PasswordCredentials;
import org.secaimed.kaapana.backend.KaapanaProject;

/**
 * What a Kaapana processing container is told, read once and checked (Kaapana 0.6.0
 * {@code KaapanaBaseOperator}): run and DAG ids, the workflow directory and its {@code conf.json},
 * the batch and output folder names, service URLs, the project user's credentials, the AE titles
 * for the write-back, and the site's trust settings from Secrets (secret-key-ref variables).
 *
 * <p>Kaapana turns every {@code workflow_form} key into an upper-cased environment variable that
 * overrides the operator's own. A form key that would shadow a trust or credential variable is
 * therefore refused (fail closed), so a user can never point the operator at another gateway,
 * policy or key.
 */
public final class KaapanaEnvironment {

  /** Exit code Kaapana reads as "skipped". */
  public static final int EXIT_SKIPPED = 126;

  /** Variables a workflow_form key must never shadow. */
  static final Set<String> PROTECTED = Set.of(
      SiteSettings.CONFIG_ENV, SiteSettings.KEY_ENV, "SECAIMED_TASK_KIND",
      PasswordCredentials.ENV_USER, PasswordCredentials.ENV_PASSWORD, PasswordCredentials.ENV_CLIENT_SECRET,
      "KEYCLOAK_URL", "DICOM_WEB_FILTER_URL", "KAAPANA_BACKEND_URL", "AII_URL",
      "WORKFLOW_DIR", "BATCH_NAME", "OPERATOR_OUT_DIR", "OPERATOR_IN_DIR", "RUN_ID", "DAG_ID",
      "PACS_HOST", "PACS_PORT", "http_proxy", "https_proxy", "no_proxy");

  private static final Pattern DIR_NAME = Pattern.compile("[A-Za-z0-9._-]+");

  /** Which kind of enclave task this operator runs. */
  public enum TaskKind { SEGMENTATION, TRAINING, EVALUATION }

  private final String runId;
  private final String dagId;
  private final Path workflowDir;
  private final String batchName;
  private final String operatorOutDir;
  private final String operatorInDir;
  private final TaskKind taskKind;
  private final WorkflowConf conf;
  private final KaapanaProject project;
  private final HttpUrl keycloakUrl;
  private final HttpUrl dicomWebFilterUrl;
  private final HttpUrl backendUrl;
  private final String pacsHost;
  private final int pacsPort;
  private final KaapanaAeTitles aeTitles;
  private final SiteConfig site;
  private final String algorithm;
  private final Map<String, String> env;

  private KaapanaEnvironment(Map<String, String> env) throws KaapanaEnvironmentException {
    this.env = Map.copyOf(env);
    // Every independent check runs; a check whose input is already broken is skipped (its cause is listed).
    Problems problems = new Problems();
    this.runId = problems.attempt(() -> need("RUN_ID"));
    this.dagId = problems.attempt(() -> need("DAG_ID"));
    this.workflowDir = problems.attempt(this::workflowDirectory);
    this.batchName = problems.attempt(() -> dirName("BATCH_NAME", env.getOrDefault("BATCH_NAME", "batch")));
    this.operatorOutDir = problems.attempt(() -> dirName("OPERATOR_OUT_DIR", need("OPERATOR_OUT_DIR")));
    this.operatorInDir = env.get("OPERATOR_IN_DIR") == null ? null : problems.attempt(() -> dirName("OPERATOR_IN_DIR", env.get("OPERATOR_IN_DIR")));
    this.conf = workflowDir == null ? null : problems.attempt(() -> WorkflowConf.read(workflowDir.resolve("conf").resolve("conf.json")));
    if (conf != null) {
      for (String key : conf.workflowForm().keySet()) {
        String upper = key.toUpperCase(Locale.ROOT);
        if (PROTECTED.contains(upper) || PROTECTED.contains(key) || upper.startsWith("SECAIMED_")) {
          problems.add("conf.json#/workflow_form/" + key,
              "this key would override the operator's " + upper + " variable; trust settings and credentials never come from the form");
        }
      }
    }
    this.taskKind = problems.attempt(this::taskKindOf);
    this.project = conf == null ? null : conf.project();
    if (conf != null && project == null) problems.add("conf.json#/project_form", "missing: Kaapana adds the run's project there");

    this.keycloakUrl = problems.attempt(() -> url("KEYCLOAK_URL"));
    this.dicomWebFilterUrl = problems.attempt(() -> url("DICOM_WEB_FILTER_URL"));
    this.backendUrl = env.containsKey("KAAPANA_BACKEND_URL") ? problems.attempt(() -> url("KAAPANA_BACKEND_URL")) : null;
    this.pacsHost = env.getOrDefault("PACS_HOST", "ctp-dicom-service." + env.getOrDefault("SERVICES_NAMESPACE", "services") + ".svc");
    Integer port = problems.attempt(() -> port("PACS_PORT", env.getOrDefault("PACS_PORT", "11112")));
    this.pacsPort = port == null ? 0 : port;

    this.aeTitles = project == null ? null : problems.attempt(this::deriveAeTitles);
    // Without conf.json the chosen profile is unknown; the site settings are still checked (every profile).
    this.site = problems.attempt(() -> SiteSettings.load(env, conf == null ? null : formString("gateway_profile").orElse("default")));
    this.algorithm = conf == null || site == null ? null : problems.attempt(() -> formString("algorithm").or(site::defaultAlgorithm).orElseThrow(
        () -> new KaapanaEnvironmentException("conf.json#/workflow_form/algorithm", "no algorithm chosen and the site sets no default")));
    problems.throwIfAny();
  }

  private Path workflowDirectory() throws KaapanaEnvironmentException {
    Path dir = Path.of(need("WORKFLOW_DIR"));
    if (!Files.isDirectory(dir)) throw new KaapanaEnvironmentException("WORKFLOW_DIR", "not a directory: " + dir);
    return dir;
  }

  private TaskKind taskKindOf() throws KaapanaEnvironmentException {
    String kind = need("SECAIMED_TASK_KIND");
    try {
      return TaskKind.valueOf(kind.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new KaapanaEnvironmentException("SECAIMED_TASK_KIND", "'" + kind + "' is not one of segmentation, training, evaluation");
    }
  }

  /** Reads and checks the whole contract; every problem found is reported, each with its source. */
  public static KaapanaEnvironment load(Map<String, String> env) throws KaapanaEnvironmentException {
    return new KaapanaEnvironment(env);
  }

  /**
   * Kaapana's DcmSend convention: calling {@code kp-<AETITLE>}, else {@code kp-<workflow name>};
   * called {@code kp-<project>}. An explicit AETITLE must fit; a derived name is shortened the way
   * {@link KaapanaAeTitles#derived} does, so the default launch (Datasets view: no dataset name,
   * a 27-character workflow name) never fails.
   */
  private KaapanaAeTitles deriveAeTitles() throws KaapanaEnvironmentException {
    String explicit = firstNonBlank(env.get("AETITLE"));
    String derivedFrom = firstNonBlank(env.get("WORKFLOW_NAME"), formString("workflow_name").orElse(null), conf.datasetName(), dagId);
    String source = explicit != null ? "AETITLE" : "conf.json#/project_form/name";
    try {
      AeTitle called = env.get("CALLED_AE_TITLE_SCP") != null && !env.get("CALLED_AE_TITLE_SCP").isBlank()
          ? new AeTitle(env.get("CALLED_AE_TITLE_SCP"))
          : KaapanaAeTitles.forDatasetAndProject("x", project.name()).called();
      AeTitle calling = explicit != null
          ? KaapanaAeTitles.forDatasetAndProject(explicit, "x").calling()
          : KaapanaAeTitles.derived(derivedFrom);
      return new KaapanaAeTitles(calling, called);
    } catch (IllegalArgumentException e) {
      throw new KaapanaEnvironmentException(source, e.getMessage(), e);
    }
  }

  private String need(String name) throws KaapanaEnvironmentException {
    String v = env.get(name);
    if (v == null || v.isBlank()) throw new KaapanaEnvironmentException(name, "environment variable is not set");
    return v;
  }

  private static String dirName(String name, String v) throws KaapanaEnvironmentException {
    if (!DIR_NAME.matcher(v).matches() || v.equals(".") || v.equals("..")) {
      throw new KaapanaEnvironmentException(name, "'" + v + "' is not a plain folder name");
    }
    return v;
  }

  private HttpUrl url(String name) throws KaapanaEnvironmentException {
    HttpUrl u = HttpUrl.parse(need(name));
    if (u == null) throw new KaapanaEnvironmentException(name, "not an http(s) URL");
    return u;
  }

  private static int port(String name, String v) throws KaapanaEnvironmentException {
    try {
      int p = Integer.parseInt(v.trim());
      if (p < 1 || p > 65535) throw new NumberFormatException();
      return p;
    } catch (NumberFormatException e) {
      throw new KaapanaEnvironmentException(name, "'" + v + "' is not a TCP port");
    }
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) if (v != null && !v.isBlank() && !"NONE".equals(v)) return v;
    return null;
  }

  /** A workflow_form value as text (booleans and numbers are rendered as Kaapana would). */
  public Optional<String> formString(String key) {
    Object v = conf.workflowForm().get(key);
    if (v == null || v.toString().isBlank()) return Optional.empty();
    return Optional.of(v.toString());
  }

  public String runId() { return runId; }
  public String dagId() { return dagId; }
  public Path workflowDir() { return workflowDir; }
  public String batchName() { return batchName; }
  public String operatorOutDir() { return operatorOutDir; }
  public Optional<String> operatorInDir() { return Optional.ofNullable(operatorInDir); }
  public TaskKind taskKind() { return taskKind; }
  public WorkflowConf conf() { return conf; }
  public java.util.List<String> seriesUids() { return conf.seriesUids(); }
  public KaapanaProject project() { return project; }
  public HttpUrl keycloakUrl() { return keycloakUrl; }
  public HttpUrl dicomWebFilterUrl() { return dicomWebFilterUrl; }
  public Optional<HttpUrl> backendUrl() { return Optional.ofNullable(backendUrl); }
  /** Kaapana's MinIO ({@code MINIO_URL}, set by KaapanaBaseOperator 0.6.0), where reports go. */
  public Optional<String> minioUrl() { return Optional.ofNullable(env.get("MINIO_URL")).filter(v -> HttpUrl.parse(v) != null); }
  public String pacsHost() { return pacsHost; }
  public int pacsPort() { return pacsPort; }
  public KaapanaAeTitles aeTitles() { return aeTitles; }
  public SiteConfig site() { return site; }
  public String algorithm() { return algorithm; }

  /** Kaapana's per-series layout: {@code $WORKFLOW_DIR/<batch>/<series UID>/<out dir>}. */
  public Path seriesOutputDir(String seriesUid) {
    if (!conf.seriesUids().contains(seriesUid)) throw new IllegalArgumentException("series not in this run: " + seriesUid);
    return workflowDir.resolve(batchName).resolve(seriesUid).resolve(operatorOutDir);
  }

  /** The run-level output folder {@code $WORKFLOW_DIR/<out dir>} (journal, records). */
  public Path runOutputDir() {
    return workflowDir.resolve(operatorOutDir);
  }

  /**
   * The site's checkpoint store (one per log origin, shared by every run so that a forked log is
   * caught between runs): {@code SECAIMED_CHECKPOINT_DIR} if set, else {@code secaimed-log-checkpoints}
   * beside the run folders on the project's workflow-data volume, which outlives DAG runs
   * (docs/kaapana.md, "Log checkpoints").
   */
  public Path checkpointStoreDir() throws KaapanaEnvironmentException {
    String v = env.get("SECAIMED_CHECKPOINT_DIR");
    if (v != null && !v.isBlank()) {
      Path p = Path.of(v);
      if (!p.isAbsolute()) throw new KaapanaEnvironmentException("SECAIMED_CHECKPOINT_DIR", "'" + v + "' is not an absolute path");
      return p;
    }
    Path parent = workflowDir.toAbsolutePath().getParent();
    if (parent == null) throw new KaapanaEnvironmentException("WORKFLOW_DIR", "has no parent folder for the checkpoint store");
    return parent.resolve("secaimed-log-checkpoints");
  }

  /**
   * The site's provenance store (docs/provenance.md), shared by every run: the record of what the
   * site sealed ({@code inputs.jsonl}) that {@code secaimed provenance study --store} reads.
   * {@code SECAIMED_PROVENANCE_DIR} if set, else {@code secaimed-provenance} beside the run folders
   * on the workflow-data volume, which outlives DAG runs.
   */
  public Path provenanceStoreDir() throws KaapanaEnvironmentException {
    String v = env.get("SECAIMED_PROVENANCE_DIR");
    if (v != null && !v.isBlank()) {
      Path p = Path.of(v);
      if (!p.isAbsolute()) throw new KaapanaEnvironmentException("SECAIMED_PROVENANCE_DIR", "'" + v + "' is not an absolute path");
      return p;
    }
    Path parent = workflowDir.toAbsolutePath().getParent();
    if (parent == null) throw new KaapanaEnvironmentException("WORKFLOW_DIR", "has no parent folder for the provenance store");
    return parent.resolve("secaimed-provenance");
  }

  /**
   * The site's collateral store (AMD KDS / Intel PCS material, docs/attestation.md "Collateral at
   * the site"), shared by every run: {@code SECAIMED_COLLATERAL_DIR} if set, else
   * {@code secaimed-collateral} beside the run folders on the workflow-data volume.
   */
  public Path collateralStoreDir() throws KaapanaEnvironmentException {
    return collateralSettings().store();
  }

  /** {@code SECAIMED_COLLATERAL_OFFLINE=true}: an air-gapped site; only the pre-seeded store is used, never the network. */
  public boolean collateralOffline() throws KaapanaEnvironmentException {
    return collateralSettings().mode() == org.secaimed.connector.attest.collateral.SiteCollateral.Mode.OFFLINE;
  }

  /**
   * Every collateral setting (store, offline, KDS/PCS site mirrors), read by the one shared reader
   * ({@link org.secaimed.connector.attest.collateral.CollateralSettings}): the chart's
   * {@code secaimed.collateral} (site-config.json) first, then any {@code SECAIMED_COLLATERAL_*}
   * variable set on the pod, which wins. A bad value is reported where it was set.
   */
  public org.secaimed.connector.attest.collateral.CollateralSettings collateralSettings() throws KaapanaEnvironmentException {
    Path parent = workflowDir.toAbsolutePath().getParent();
    Map<String, String> fromSite = site == null ? Map.of() : site.collateral();
    Map<String, String> effective = new java.util.HashMap<>(fromSite);
    env.forEach((k, v) -> {
      if (k.startsWith("SECAIMED_COLLATERAL_") && v != null && !v.isBlank()) effective.put(k, v);
    });
    try {
      return org.secaimed.connector.attest.collateral.CollateralSettings.fromEnvironment(effective,
          parent == null ? null : parent.resolve("secaimed-collateral"));
    } catch (org.secaimed.connector.attest.collateral.CollateralSettings.InvalidSetting e) {
      String variable = e.setting();
      boolean setBySite = fromSite.containsKey(variable) && fromSite.get(variable).equals(effective.get(variable));
      String where = setBySite ? SiteSettings.collateralField(variable) : variable;
      throw new KaapanaEnvironmentException(where, e.getMessage().substring(variable.length() + 2));
    }
  }

  /** The site's own KDS/PCS collateral as this environment configures it (the job and {@code run --check --online} share it). */
  public org.secaimed.connector.attest.collateral.SiteCollateral siteCollateral() throws KaapanaEnvironmentException {
    return collateralSettings().provider();
  }

  /**
   * Log origins the site has decided to follow as new logs (an enclave signing-key rotation it
   * expects): {@code SECAIMED_ACCEPT_LOG_ORIGINS}, separated by spaces or commas.
   */
  public java.util.List<String> acceptedLogOrigins() {
    String v = env.getOrDefault("SECAIMED_ACCEPT_LOG_ORIGINS", "");
    return java.util.Arrays.stream(v.split("[,\\s]+")).filter(o -> !o.isBlank()).toList();
  }

  /** Credentials of the project user; throws naming the missing variable. */
  public PasswordCredentials credentials() throws KaapanaEnvironmentException {
    try {
      return PasswordCredentials.fromKaapanaEnvironment(env);
    } catch (IllegalArgumentException e) {
      throw new KaapanaEnvironmentException("KAAPANA_PROJECT_USER_NAME/PASSWORD", e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "KaapanaEnvironment[run=" + runId + ", dag=" + dagId + ", kind=" + taskKind + ", series=" + conf.seriesUids().size()
        + ", project=" + project.name() + ", ae=" + aeTitles.calling() + "->" + aeTitles.called() + ", " + site + "]";
  }
}
