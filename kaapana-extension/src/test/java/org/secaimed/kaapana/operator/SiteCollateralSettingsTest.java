package org.secaimed.kaapana.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.attest.collateral.SiteCollateral;

/**
 * An air-gapped site or one with its own KDS/PCS mirror configures that once, in the chart
 * ({@code secaimed.collateral} → site-config.json), and every workflow run applies it. Before,
 * only {@code SECAIMED_COLLATERAL_*} variables on the pod did, and neither the chart nor the DAG
 * set them, so a Kaapana site could not go offline or use a mirror without editing the DAG.
 */
class SiteCollateralSettingsTest {
  @TempDir Path tmp;

  private KaapanaEnvironment run(Map<String, Object> collateral, Map<String, String> podEnv) throws Exception {
    Path workflowDir = Files.createDirectories(tmp.resolve("data/run-" + System.nanoTime()));
    Map<String, String> env = new HashMap<>();
    env.put("RUN_ID", workflowDir.getFileName().toString());
    env.put("DAG_ID", "secaimed-segmentation");
    env.put("WORKFLOW_DIR", workflowDir.toString());
    env.put("OPERATOR_OUT_DIR", "secaimed-segmentation");
    env.put("SECAIMED_TASK_KIND", "segmentation");
    env.put("KEYCLOAK_URL", "http://keycloak-external-service.admin.svc:80");
    env.put("DICOM_WEB_FILTER_URL", "http://dicom-web-filter-service.services.svc:8080");
    env.putAll(SiteEnv.of(new LinkedHashMap<>(Map.of("default", new String[] {"https://enclave.example.org/", "policyVersion: 1\n"})), null, collateral));
    env.putAll(podEnv);
    Files.createDirectories(workflowDir.resolve("conf"));
    Map<String, Object> conf = new LinkedHashMap<>();
    conf.put("data_form", Map.of("identifiers", List.of("1.2.826.0.1.3680043.8.498.11")));
    conf.put("workflow_form", Map.of("algorithm", "organ-seg"));
    conf.put("project_form", Map.of("id", "7c6e0a3c", "name", "admin", "kubernetes_namespace", "project-admin"));
    new ObjectMapper().writeValue(workflowDir.resolve("conf/conf.json").toFile(), conf);
    return KaapanaEnvironment.load(env);
  }

  @Test
  void theChartsOfflineSwitchAndMirrorsReachTheRun() throws Exception {
    KaapanaEnvironment e = run(Map.of("offline", true, "kds_url", "https://kds-mirror.hospital.example",
        "pcs_url", "https://pcs-mirror.hospital.example", "intel_root_crl_url", "https://pcs-mirror.hospital.example/root.crl"), Map.of());
    assertThat(e.collateralSettings().mode()).isEqualTo(SiteCollateral.Mode.OFFLINE);
    assertThat(e.collateralSettings().kds()).isEqualTo(URI.create("https://kds-mirror.hospital.example"));
    assertThat(e.collateralSettings().pcs()).isEqualTo(URI.create("https://pcs-mirror.hospital.example"));
    assertThat(e.collateralSettings().rootCrl()).isEqualTo(URI.create("https://pcs-mirror.hospital.example/root.crl"));
    assertThat(e.collateralSettings().store()).isEqualTo(tmp.resolve("data/secaimed-collateral"));
  }

  @Test
  void withoutTheSectionTheVendorsServicesAreUsedOnline() throws Exception {
    KaapanaEnvironment e = run(null, Map.of());
    assertThat(e.collateralSettings().mode()).isEqualTo(SiteCollateral.Mode.ONLINE);
    assertThat(e.collateralSettings().kds()).isEqualTo(SiteCollateral.AMD_KDS);
    assertThat(run(Map.of("offline", false, "kds_url", ""), Map.of()).collateralSettings().kds()).isEqualTo(SiteCollateral.AMD_KDS);
  }

  @Test
  void aVariableOnThePodWinsOverTheChart() throws Exception {
    KaapanaEnvironment e = run(Map.of("offline", true), Map.of("SECAIMED_COLLATERAL_OFFLINE", "false",
        "SECAIMED_COLLATERAL_KDS_URL", "https://kds-local.example"));
    assertThat(e.collateralSettings().mode()).isEqualTo(SiteCollateral.Mode.ONLINE);
    assertThat(e.collateralSettings().kds()).isEqualTo(URI.create("https://kds-local.example"));
  }

  @Test
  void badSettingsAreNamedWhereTheyWereMade() throws Exception {
    assertThatThrownBy(() -> run(Map.of("kds_url", "ftp://kds.example"), Map.of()).collateralSettings())
        .isInstanceOf(KaapanaEnvironmentException.class).hasMessageContaining("SECAIMED_SITE_CONFIG#/collateral/kds_url")
        .hasMessageContaining("not an http(s) URL");
    assertThatThrownBy(() -> run(Map.of("kds_url", "https://ok.example"), Map.of("SECAIMED_COLLATERAL_KDS_URL", "nope")).collateralSettings())
        .isInstanceOf(KaapanaEnvironmentException.class).hasMessageContaining("SECAIMED_COLLATERAL_KDS_URL")
        .hasMessageNotContaining("#/collateral");
    // type errors and unknown fields are found when the run's environment is loaded, with the rest
    assertThatThrownBy(() -> run(Map.of("offline", "yes"), Map.of()))
        .isInstanceOf(KaapanaEnvironmentException.class).hasMessageContaining("SECAIMED_SITE_CONFIG#/collateral/offline: not true or false");
    assertThatThrownBy(() -> run(Map.of("kdsUrl", "https://kds.example"), Map.of()))
        .isInstanceOf(KaapanaEnvironmentException.class).hasMessageContaining("SECAIMED_SITE_CONFIG#/collateral/kdsUrl: unknown setting");
  }
}
