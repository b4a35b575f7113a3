package org.secaimed.kaapana.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
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
    return OneSeriesRun.load(tmp.resolve("data/run-" + System.nanoTime()), OneSeriesRun.defaultSite(collateral), podEnv);
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
