package org.secaimed.tests.kaapana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.enclave.server.EnclaveServer;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.seal.KemKeys;
import org.secaimed.devtools.enclave.DevEnclave;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.dicom.pipeline.RunJournal;
import org.secaimed.kaapana.operator.KaapanaAeTitles;
import org.secaimed.tests.servers.DicomWebFilterStack;
import org.secaimed.tests.servers.OrthancServer;

/**
 * The Kaapana operator end to end, as a pod would run it: a Kaapana-shaped workflow folder and
 * environment, Kaapana 0.6.0's REAL dicom-web-filter with PostgreSQL in front of Orthanc (WADO-RS
 * in, filtered by the token's {@code projects} claim), a second Orthanc standing in for CTP
 * (C-STORE out, AE titles recorded), and the dev enclave. The operator runs as its own JVM
 * (`secaimed kaapana run`), so killing it is a real kill -9.
 *
 * <p>Simulated: Keycloak (the filter stack's stand-in issues RS256 tokens with Kaapana's projects
 * claim; a real Keycloak needs a protocol mapper for it), dcm4chee (Orthanc behind a dcm4chee-compat
 * proxy), CTP (Orthanc: it does not rewrite (0012,0020) or trigger Kaapana's incoming DAG), and a TEE.
 */
class OperatorEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROJECT = "alpha";
  private static final String WORKFLOW_NAME = "enclave-seg-abc123";

  static OrthancServer orthanc;
  static DicomWebFilterStack dwf;
  static DevEnclave enclave;
  static PhantomSeries series;
  static Path root;

  @BeforeAll
  static void startPlatform(@TempDir Path dir) throws Exception {
    root = dir;
    orthanc = OrthancServer.builder().aeTitle("CTP").build().start();
    dwf = DicomWebFilterStack.start();
    enclave = DevEnclave.start(EnclaveServer.Config.defaults(dir.resolve("enclave-state")),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    // Large enough that the enclave's work takes a moment, so the kill below lands mid-run.
    series = new PhantomSeries(CtPhantom.builder().size(192, 192, 40).seed(7).build());
    // Loaded into the PACS by STOW-RS (our client, one request), as a modality would have sent it.
    var stow = org.secaimed.dicom.web.StowRequest.builder();
    for (Path f : series.writeTo(dir.resolve("source"))) stow.addFile(f);
    var stored = org.secaimed.dicom.web.DicomWebClient.builder(dwf.orthancDicomWeb()).build().store(stow.build());
    assertThat(stored.allStored()).as(stored.outcomes().toString()).isTrue();
    // Kaapana's incoming-DICOM DAG maps each series to its project in the filter's database.
    dwf.assignToProject(series.studyInstanceUid(), series.seriesInstanceUid(), DicomWebFilterStack.ALPHA);
    siteKey = KemKeys.privateKeyJson(KemKeyPair.generate(HpkeSuite.DEFAULT));
  }

  static String siteKey;

  private static String siteConfig(String policyResource) throws IOException {
    try (var in = OperatorEndToEndTest.class.getClassLoader().getResourceAsStream(policyResource)) {
      return JSON.writeValueAsString(Map.of("profiles", Map.of("default",
          Map.of("gateway_url", enclave.baseUrl(), "policy", new String(in.readAllBytes(), StandardCharsets.UTF_8)))));
    }
  }

  @AfterAll
  static void stopPlatform() {
    if (enclave != null) enclave.close();
    if (orthanc != null) orthanc.close();
    if (dwf != null) dwf.close();
  }

  @Test
  void segArrivesOnceWithKaapanaAeTitlesEvenWhenTheOperatorIsKilledMidRun() throws Exception {
    Path workflow = workflowDir("run-kill");
    Map<String, String> env = environment(workflow, "run-kill");
    Path journal = workflow.resolve("batch").resolve(series.seriesInstanceUid()).resolve("secaimed").resolve(RunJournal.FILE_NAME);

    // First attempt: killed (SIGKILL) as soon as the task is submitted.
    Process first = operator(env, workflow.resolve("first.log"));
    boolean killedMidRun = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (System.nanoTime() < deadline && first.isAlive()) {
      if (Files.exists(journal) && Files.readString(journal).contains("\"SUBMITTED\"")) {
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        killedMidRun = !Files.readString(journal).contains("\"STORED\"");
        break;
      }
      Thread.sleep(10);
    }
    assertThat(killedMidRun).as("operator killed after submit and before the SEG was stored; log:\n%s",
        Files.exists(workflow.resolve("first.log")) ? Files.readString(workflow.resolve("first.log")) : "").isTrue();
    assertThat(segInstances()).isEmpty();

    // Second attempt: resumes from the journal (no new upload, no new task) and stores the SEG.
    Process second = operator(env, workflow.resolve("second.log"));
    assertThat(second.waitFor(240, TimeUnit.SECONDS)).isTrue();
    String log = Files.readString(workflow.resolve("second.log"));
    assertThat(second.exitValue()).as(log).isZero();
    assertThat(log).contains("DONE " + series.seriesInstanceUid()).contains("resumed [upload, submit]");

    // A third run after success stores nothing new: deterministic UIDs, one SEG.
    Process third = operator(env, workflow.resolve("third.log"));
    assertThat(third.waitFor(240, TimeUnit.SECONDS)).isTrue();
    assertThat(third.exitValue()).as(Files.readString(workflow.resolve("third.log"))).isZero();

    List<String> segs = segInstances();
    assertThat(segs).hasSize(1);
    String seg = segs.get(0);
    // Kaapana's DcmSend convention: kp-<workflow name> (shortened to 16, deterministic) -> kp-<project>
    assertThat(metadata(seg, "RemoteAET")).isEqualTo(KaapanaAeTitles.derived(WORKFLOW_NAME).value());
    assertThat(metadata(seg, "CalledAET")).isEqualTo("kp-" + PROJECT);
    JsonNode tags = get("/instances/" + seg + "/simplified-tags");
    assertThat(tags.path("SeriesInstanceUID").asText()).isNotEqualTo(series.seriesInstanceUid());
    assertThat(tags.path("StudyInstanceUID").asText()).isEqualTo(series.studyInstanceUid());
    assertThat(tags.path("FrameOfReferenceUID").asText()).isEqualTo(series.frameOfReferenceUid());

    // The run's record holds the receipt; the journal holds no patient data.
    Path out = journal.getParent();
    assertThat(out.resolve("receipt.json")).exists();
    assertThat(out.resolve("record.json")).exists();
    assertThat(Files.readString(journal)).doesNotContain("^");

    // The data-protection officer's question on this site: what was done with this series? The job
    // recorded its sealed input (once, though three runs passed) in the site's provenance store,
    // and the enclave's signed answer about that input, verified against the job's pinned log
    // checkpoint, names the segmentation task the run recorded.
    JsonNode study = provenanceStudy(series.seriesInstanceUid());
    assertThat(study.path("ok").asBoolean()).as(study.toString()).isTrue();
    JsonNode record = JSON.readTree(out.resolve("record.json").toFile());
    assertThat(study.path("inputs")).hasSize(1);
    JsonNode input = study.path("inputs").get(0);
    assertThat(input.path("blobId").asText()).isEqualTo(record.path("blobId").asText());
    assertThat(input.path("instances").asInt()).isEqualTo(series.size());
    JsonNode uses = input.path("uses");
    assertThat(uses).hasSize(1);
    assertThat(uses.get(0).path("taskId").asText()).isEqualTo(record.path("taskId").asText());
    assertThat(uses.get(0).path("kind").asText()).isEqualTo("segmentation");
    assertThat(uses.get(0).path("policyDigest").asText()).isEqualTo(input.path("policyDigest").asText());
    assertThat(input.path("log").path("consistencyChecked").asBoolean()).as("checked against the job's pinned checkpoint").isTrue();
    assertThat(Files.readString(root.resolve("secaimed-provenance").resolve("inputs.jsonl"))).doesNotContain("^");
  }

  /** {@code secaimed provenance study} as a site operator runs it, on the stores the Kaapana job uses by default. */
  private static JsonNode provenanceStudy(String seriesUid) throws Exception {
    Path policy = root.resolve("dev-policy.yaml");
    try (var in = OperatorEndToEndTest.class.getClassLoader().getResourceAsStream("policies/dev.yaml")) {
      Files.write(policy, in.readAllBytes());
    }
    Path key = Files.writeString(root.resolve("site.key.json"), siteKey);
    java.io.StringWriter out = new java.io.StringWriter();
    picocli.CommandLine c = org.secaimed.kaapana.cli.SecaimedCli.commandLine();
    c.setOut(new java.io.PrintWriter(out));
    c.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
    c.execute("provenance", "study", "--series", seriesUid, "--store", root.resolve("secaimed-provenance").toString(),
        "--gateway", enclave.baseUrl(), "--policy", policy.toString(), "--key", key.toString(),
        "--checkpoint-dir", root.resolve("secaimed-log-checkpoints").toString(), "--json");
    return JSON.readTree(out.toString());
  }

  @Test
  void aDevEnclaveUnderAProductionPolicyGetsNoData() throws Exception {
    Path workflow = workflowDir("run-prod");
    Map<String, String> env = environment(workflow, "run-prod");
    env.put("SECAIMED_SITE_CONFIG", siteConfig("policies/production-example.yaml"));
    long blobsBefore = enclave.blobCount();

    Process p = operator(env, workflow.resolve("prod.log"));
    assertThat(p.waitFor(240, TimeUnit.SECONDS)).isTrue();
    String log = Files.readString(workflow.resolve("prod.log"));
    assertThat(p.exitValue()).as(log).isEqualTo(1);
    assertThat(log).contains("FAILED " + series.seriesInstanceUid()).contains("attest");
    assertThat(enclave.blobCount()).isEqualTo(blobsBefore);
  }

  @Test
  void aUserOfAnotherProjectSeesNothingOfTheData() throws Exception {
    assertThat(dwf.status("/studies?SeriesInstanceUID=" + series.seriesInstanceUid(), "bob")).isEqualTo(204);
    assertThat(dwf.status("/studies/" + series.studyInstanceUid() + "/series/" + series.seriesInstanceUid(), "bob")).isEqualTo(403);
    Path workflow = workflowDir("run-bob");
    Map<String, String> env = environment(workflow, "run-bob");
    env.put("KAAPANA_PROJECT_USER_NAME", "bob");
    env.put("KAAPANA_PROJECT_USER_PASSWORD", "bob");
    long blobsBefore = enclave.blobCount();
    int segsBefore = segInstances().size();

    Process p = operator(env, workflow.resolve("bob.log"));
    assertThat(p.waitFor(240, TimeUnit.SECONDS)).isTrue();
    String log = Files.readString(workflow.resolve("bob.log"));
    assertThat(p.exitValue()).as(log).isEqualTo(1);
    assertThat(log).contains("FAILED " + series.seriesInstanceUid()).contains("no such series visible");
    assertThat(enclave.blobCount()).isEqualTo(blobsBefore);
    assertThat(segInstances()).hasSize(segsBefore);
  }

  @Test
  void seriesOfAnotherModalityAreSkippedBeforeAnythingIsSent() throws Exception {
    Path workflow = workflowDir("run-mr", Map.of("modality", "MR"));
    Map<String, String> env = environment(workflow, "run-mr");
    long blobsBefore = enclave.blobCount();
    Process p = operator(env, workflow.resolve("mr.log"));
    assertThat(p.waitFor(240, TimeUnit.SECONDS)).isTrue();
    String log = Files.readString(workflow.resolve("mr.log"));
    assertThat(p.exitValue()).as(log).isEqualTo(126); // Kaapana: skipped
    assertThat(log).contains("modality CT, this workflow takes MR");
    assertThat(enclave.blobCount()).isEqualTo(blobsBefore);
  }

  private Path workflowDir(String runId) throws IOException {
    return workflowDir(runId, Map.of());
  }

  private Path workflowDir(String runId, Map<String, Object> extraForm) throws IOException {
    Path workflow = Files.createDirectories(root.resolve(runId));
    Files.createDirectories(workflow.resolve("conf"));
    Map<String, Object> conf = Map.of(
        // as the Datasets view sends it: identifiers only, no dataset name
        "data_form", Map.of("identifiers", List.of(series.seriesInstanceUid())),
        "workflow_form", form(extraForm),
        "project_form", Map.of("id", DicomWebFilterStack.ALPHA, "name", PROJECT, "kubernetes_namespace", "project-" + PROJECT,
            "opensearch_index", "project_" + PROJECT));
    Files.writeString(workflow.resolve("conf/conf.json"), JSON.writeValueAsString(conf));
    return workflow;
  }

  private static Map<String, Object> form(Map<String, Object> extra) {
    Map<String, Object> form = new HashMap<>(Map.of("algorithm", "ct-body-lungs-bone", "gateway_profile", "default",
        "workflow_name", WORKFLOW_NAME, "single_execution", false, "modality", "CT"));
    form.putAll(extra);
    return form;
  }

  private Map<String, String> environment(Path workflow, String runId) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv("PATH"));
    env.put("RUN_ID", runId);
    env.put("DAG_ID", "dag-enclave-segmentation");
    env.put("TASK_ID", "secaimed-segmentation");
    env.put("WORKFLOW_DIR", workflow.toString());
    env.put("BATCH_NAME", "batch");
    env.put("OPERATOR_OUT_DIR", "secaimed");
    env.put("SECAIMED_TASK_KIND", "segmentation");
    env.put("WORKFLOW_NAME", WORKFLOW_NAME);
    env.put("KEYCLOAK_URL", dwf.keycloakUrl());
    env.put("DICOM_WEB_FILTER_URL", dwf.filterUrl());
    env.put("PACS_HOST", "127.0.0.1");
    env.put("PACS_PORT", Integer.toString(orthanc.dicomPort()));
    env.put("KAAPANA_PROJECT_USER_NAME", "alice"); // project alpha
    env.put("KAAPANA_PROJECT_USER_PASSWORD", "alice");
    env.put("KAAPANA_CLIENT_SECRET", "not-checked-by-the-stand-in");
    env.put("SECAIMED_SITE_CONFIG", siteConfig("policies/dev.yaml"));
    env.put("SECAIMED_SITE_KEY", siteKey);
    return env;
  }

  /** `secaimed kaapana run` in its own JVM with exactly the given environment. */
  private static Process operator(Map<String, String> env, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("org.secaimed.kaapana.cli.SecaimedCli");
    cmd.add("kaapana");
    cmd.add("run");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    return pb.start();
  }

  private static List<String> segInstances() throws Exception {
    List<String> segs = new ArrayList<>();
    for (JsonNode id : get("/instances")) {
      JsonNode tags = get("/instances/" + id.asText() + "/simplified-tags");
      if ("SEG".equals(tags.path("Modality").asText())) segs.add(id.asText());
    }
    return segs;
  }

  private static String metadata(String instance, String name) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(orthanc.baseUrl() + "/instances/" + instance + "/metadata/" + name))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? r.body() : "(no " + name + ": HTTP " + r.statusCode() + ")";
  }

  private static JsonNode get(String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(orthanc.baseUrl() + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return JSON.readTree(r.body());
  }
}
