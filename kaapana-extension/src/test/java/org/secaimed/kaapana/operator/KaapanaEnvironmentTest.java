package org.secaimed.kaapana.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KaapanaEnvironmentTest {
  static final String SERIES = "1.2.826.0.1.3680043.8.498.11";
  static final String SERIES2 = "1.2.826.0.1.3680043.8.498.12";

  @TempDir Path tmp;
  Path workflowDir;
  Map<String, String> env;
  Map<String, Object> conf;

  @BeforeEach
  void kaapanaShapedRun() throws Exception {
    workflowDir = Files.createDirectories(tmp.resolve("data/secaimed-segmentation-251122021500000000"));

    env = new HashMap<>();
    env.put("RUN_ID", "secaimed-segmentation-251122021500000000");
    env.put("DAG_ID", "secaimed-segmentation");
    env.put("WORKFLOW_DIR", workflowDir.toString());
    env.put("BATCH_NAME", "batch");
    env.put("OPERATOR_OUT_DIR", "secaimed-segmentation");
    env.put("SECAIMED_TASK_KIND", "segmentation");
    env.put("KEYCLOAK_URL", "http://keycloak-external-service.admin.svc:80");
    env.put("DICOM_WEB_FILTER_URL", "http://dicom-web-filter-service.services.svc:8080");
    env.put("SERVICES_NAMESPACE", "services");
    env.putAll(SiteEnv.of(new LinkedHashMap<>(Map.of(
        "default", new String[] {"https://enclave.example.org/", "policyVersion: 1\nallowInsecureDevEnclave: false\n"},
        "dev", new String[] {"http://127.0.0.1:8443", "policyVersion: 1\nallowedFormats: [dev]\nallowInsecureDevEnclave: true\n"})), null));
    env.put("KAAPANA_PROJECT_USER_NAME", "system");
    env.put("KAAPANA_PROJECT_USER_PASSWORD", "pw");
    env.put("KAAPANA_CLIENT_SECRET", "secret");

    conf = new LinkedHashMap<>();
    conf.put("data_form", new LinkedHashMap<>(Map.of("identifiers", List.of(SERIES, SERIES2, SERIES), "dataset_name", "liver-ct")));
    conf.put("workflow_form", new LinkedHashMap<>(Map.of("algorithm", "organ-seg", "single_execution", false,
        "username", "kaapana", "workflow_name", "seg-abc123")));
    conf.put("project_form", Map.of("id", "7c6e0a3c", "name", "admin", "kubernetes_namespace", "project-admin"));
  }

  private KaapanaEnvironment load() throws Exception {
    Files.createDirectories(workflowDir.resolve("conf"));
    new ObjectMapper().writeValue(workflowDir.resolve("conf/conf.json").toFile(), conf);
    return KaapanaEnvironment.load(env);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> form() {
    return (Map<String, Object>) conf.get("workflow_form");
  }

  @Test
  void readsKaapanasContract() throws Exception {
    KaapanaEnvironment e = load();
    assertThat(e.seriesUids()).containsExactly(SERIES, SERIES2); // duplicates collapse, order kept
    assertThat(e.taskKind()).isEqualTo(KaapanaEnvironment.TaskKind.SEGMENTATION);
    assertThat(e.algorithm()).isEqualTo("organ-seg");
    assertThat(e.project().name()).isEqualTo("admin");
    assertThat(e.aeTitles().calling().value()).isEqualTo("kp-seg-abc123"); // Kaapana: the workflow name
    assertThat(e.aeTitles().called().value()).isEqualTo("kp-admin");
    assertThat(e.pacsHost()).isEqualTo("ctp-dicom-service.services.svc");
    assertThat(e.pacsPort()).isEqualTo(11112);
    assertThat(e.site().gatewayProfile()).isEqualTo("default");
    assertThat(e.site().gatewayUrl()).isEqualTo("https://enclave.example.org/");
    assertThat(e.seriesOutputDir(SERIES)).isEqualTo(workflowDir.resolve("batch").resolve(SERIES).resolve("secaimed-segmentation"));
    assertThat(e.credentials().toString()).doesNotContain("pw").doesNotContain("secret\"");
    assertThatThrownBy(() -> e.seriesOutputDir("1.2.3")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void gatewayProfileChoosesAmongTheSitesProfilesOnly() throws Exception {
    form().put("gateway_profile", "dev");
    assertThat(load().site().gatewayUrl()).isEqualTo("http://127.0.0.1:8443/");

    form().put("gateway_profile", "../../etc");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(KaapanaEnvironmentException.class,
        ex -> assertThat(ex.source()).isEqualTo("conf.json#/workflow_form/gateway_profile"));

    form().put("gateway_profile", "unknown");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(KaapanaEnvironmentException.class,
        ex -> assertThat(ex.source()).isEqualTo("SECAIMED_SITE_CONFIG#/profiles/unknown"));
  }

  @Test
  void formKeysThatWouldShadowTrustOrCredentialVariablesAreRefused() {
    for (String key : List.of("secaimed_site_config", "SECAIMED_SITE_KEY", "kaapana_client_secret", "keycloak_url", "pacs_host", "secaimed_anything")) {
      form().clear();
      form().put("algorithm", "organ-seg");
      form().put(key, "/tmp/evil");
      assertThatThrownBy(this::load).as(key).isInstanceOfSatisfying(KaapanaEnvironmentException.class,
          ex -> assertThat(ex.source()).isEqualTo("conf.json#/workflow_form/" + key));
    }
  }

  @Test
  void theDatasetsViewLaunchGetsAShortDeterministicAeTitle() throws Exception {
    // The Datasets view sends data_form.identifiers only; the backend adds a workflow_name.
    conf.put("data_form", Map.of("identifiers", List.of(SERIES)));
    form().put("workflow_name", "enclave-segmentation-a1b2c3");
    env.put("WORKFLOW_NAME", "enclave-segmentation-a1b2c3");
    String first = load().aeTitles().calling().value();
    assertThat(first).hasSizeLessThanOrEqualTo(16).startsWith("kp-enclav-").matches("kp-enclav-[0-9a-f]{6}");
    assertThat(load().aeTitles().calling().value()).isEqualTo(first);
    env.put("WORKFLOW_NAME", "enclave-segmentation-d4e5f6");
    assertThat(load().aeTitles().calling().value()).isNotEqualTo(first);
    env.put("WORKFLOW_NAME", "seg-abc123");
    assertThat(load().aeTitles().calling().value()).isEqualTo("kp-seg-abc123");
  }

  @Test
  void anExplicitAeTitleOverTheLimitIsAClearError() {
    env.put("AETITLE", "a-very-long-dataset-name");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(KaapanaEnvironmentException.class, ex -> {
      assertThat(ex.source()).isEqualTo("AETITLE");
      assertThat(ex.getMessage()).contains("kp-a-very-long-dataset-name").contains("at most 16");
    });
  }

  @Test
  void datasetLimitKeepsTheFirstSeries() throws Exception {
    conf.put("data_form", Map.of("identifiers", List.of(SERIES, SERIES2), "dataset_limit", 1));
    assertThat(load().seriesUids()).containsExactly(SERIES);
    conf.put("data_form", Map.of("identifiers", List.of(SERIES, SERIES2), "dataset_limit", 0));
    assertThatThrownBy(this::load).isInstanceOfSatisfying(KaapanaEnvironmentException.class,
        ex -> assertThat(ex.source()).endsWith("#/data_form/dataset_limit"));
  }

  @Test
  void theSitesDefaultAlgorithmAppliesWhenTheFormNamesNone() throws Exception {
    form().remove("algorithm");
    env.putAll(SiteEnv.of(Map.of("default", new String[] {"https://e.example/", "policyVersion: 1\nallowInsecureDevEnclave: false\n"}), "ct-body"));
    assertThat(load().algorithm()).isEqualTo("ct-body");
  }

  @Test
  void explicitAeTitleWinsOverTheWorkflowName() throws Exception {
    env.put("AETITLE", "results");
    env.put("CALLED_AE_TITLE_SCP", "kp-research");
    KaapanaEnvironment e = load();
    assertThat(e.aeTitles().calling().value()).isEqualTo("kp-results");
    assertThat(e.aeTitles().called().value()).isEqualTo("kp-research");
  }

  /** Issue 12 item 7: the loader stopped at its first problem; now every independent problem is listed. */
  @Test
  void listsEveryIndependentProblemAtOnce() throws Exception {
    env.remove("RUN_ID");
    env.put("OPERATOR_OUT_DIR", "../escape");
    env.put("SECAIMED_TASK_KIND", "mining");
    env.put("PACS_PORT", "70000");
    env.put(SiteSettings.KEY_ENV, "{}");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(KaapanaEnvironmentException.class, ex -> {
      assertThat(ex.problems()).extracting(Problems.Problem::source)
          .containsExactly("RUN_ID", "OPERATOR_OUT_DIR", "SECAIMED_TASK_KIND", "PACS_PORT", SiteSettings.KEY_ENV);
      assertThat(ex.source()).isEqualTo("RUN_ID");
      assertThat(ex.getMessage()).startsWith("5 problems: RUN_ID: environment variable is not set");
    });
  }

  @Test
  void namesTheMissingOrBadPiece() throws Exception {
    env.remove("RUN_ID");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(KaapanaEnvironmentException.class, ex -> assertThat(ex.source()).isEqualTo("RUN_ID"));
    env.put("RUN_ID", "r");

    env.put("OPERATOR_OUT_DIR", "../escape");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(KaapanaEnvironmentException.class, ex -> assertThat(ex.source()).isEqualTo("OPERATOR_OUT_DIR"));
    env.put("OPERATOR_OUT_DIR", "out");

    env.put("SECAIMED_TASK_KIND", "mining");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(KaapanaEnvironmentException.class, ex -> assertThat(ex.source()).isEqualTo("SECAIMED_TASK_KIND"));
    env.put("SECAIMED_TASK_KIND", "training");

    conf.put("data_form", Map.of("identifiers", List.of(SERIES, "1.2.03")));
    assertThatThrownBy(this::load).isInstanceOfSatisfying(KaapanaEnvironmentException.class,
        ex -> assertThat(ex.source()).endsWith("#/data_form/identifiers/1"));

    conf.put("data_form", Map.of("identifiers", List.of()));
    assertThatThrownBy(this::load).isInstanceOfSatisfying(KaapanaEnvironmentException.class,
        ex -> assertThat(ex.source()).endsWith("#/data_form/identifiers"));

    conf.put("data_form", Map.of("identifiers", List.of(SERIES)));
    conf.remove("project_form");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(KaapanaEnvironmentException.class,
        ex -> assertThat(ex.source()).isEqualTo("conf.json#/project_form"));
  }

  @Test
  void missingSiteKeyFailsClosed() throws Exception {
    env.remove("SECAIMED_SITE_KEY");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(KaapanaEnvironmentException.class,
        ex -> assertThat(ex.getMessage()).contains("secaimed-site-keys"));
    env.put("SECAIMED_SITE_KEY", "{}");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(KaapanaEnvironmentException.class,
        ex -> assertThat(ex.source()).isEqualTo("SECAIMED_SITE_KEY"));
  }

  @Test
  void unreadableConfJsonIsNamed() throws Exception {
    Files.createDirectories(workflowDir.resolve("conf"));
    Files.writeString(workflowDir.resolve("conf/conf.json"), "{not json");
    assertThatThrownBy(() -> KaapanaEnvironment.load(env)).isInstanceOfSatisfying(KaapanaEnvironmentException.class,
        ex -> assertThat(ex.source()).endsWith("conf.json"));
  }
}
