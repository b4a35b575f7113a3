package org.secaimed.kaapana.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review M1: the operator kept its log checkpoint in the DAG run's own folder, so no run ever
 * checked consistency with an earlier one. Every run of a project now shares one store that
 * outlives the run folders (which Kaapana deletes).
 */
class CheckpointStoreDirTest {
  @TempDir Path tmp;

  private KaapanaEnvironment run(String runId, Map<String, String> extra) throws Exception {
    return OneSeriesRun.load(tmp.resolve("kaapana/mounted/data").resolve(runId), OneSeriesRun.defaultSite(null), extra);
  }

  @Test
  void twoDagRunsShareOneStoreOutsideTheirRunFolders() throws Exception {
    KaapanaEnvironment first = run("secaimed-segmentation-251206100000000000", Map.of());
    KaapanaEnvironment second = run("secaimed-segmentation-251206110000000000", Map.of());
    assertThat(first.checkpointStoreDir()).isEqualTo(second.checkpointStoreDir());
    assertThat(first.checkpointStoreDir()).isEqualTo(tmp.resolve("kaapana/mounted/data/secaimed-log-checkpoints"));
    assertThat(first.checkpointStoreDir().startsWith(first.workflowDir())).isFalse();
    assertThat(first.checkpointStoreDir().startsWith(second.workflowDir())).isFalse();
  }

  @Test
  void theSiteCanPointTheStoreElsewhereAndListAcceptedOrigins() throws Exception {
    KaapanaEnvironment e = run("r1", Map.of("SECAIMED_CHECKPOINT_DIR", "/site/secaimed/checkpoints",
        "SECAIMED_ACCEPT_LOG_ORIGINS", "secaimed.org/enclave-log/aa, secaimed.org/enclave-log/bb"));
    assertThat(e.checkpointStoreDir()).isEqualTo(Path.of("/site/secaimed/checkpoints"));
    assertThat(e.acceptedLogOrigins()).containsExactly("secaimed.org/enclave-log/aa", "secaimed.org/enclave-log/bb");
    KaapanaEnvironment relative = run("r2", Map.of("SECAIMED_CHECKPOINT_DIR", "checkpoints"));
    assertThatThrownBy(relative::checkpointStoreDir)
        .isInstanceOf(KaapanaEnvironmentException.class).hasMessageContaining("SECAIMED_CHECKPOINT_DIR");
  }

  /** Issue #10 item 5: the site's collateral store is shared by every run like the checkpoints; offline is a switch. */
  @Test
  void theCollateralStoreOutlivesRunsAndOfflineIsASwitch() throws Exception {
    KaapanaEnvironment e = run("r2", Map.of());
    assertThat(e.collateralStoreDir()).isEqualTo(tmp.resolve("kaapana/mounted/data/secaimed-collateral"));
    assertThat(e.siteCollateral().mode()).isEqualTo(org.secaimed.connector.attest.collateral.SiteCollateral.Mode.ONLINE);
    KaapanaEnvironment air = run("r3", Map.of("SECAIMED_COLLATERAL_DIR", "/site/collateral", "SECAIMED_COLLATERAL_OFFLINE", "true"));
    assertThat(air.siteCollateral().store().dir()).isEqualTo(Path.of("/site/collateral"));
    assertThat(air.siteCollateral().mode()).isEqualTo(org.secaimed.connector.attest.collateral.SiteCollateral.Mode.OFFLINE);
    assertThatThrownBy(() -> run("r4", Map.of("SECAIMED_COLLATERAL_OFFLINE", "yes")).collateralOffline())
        .isInstanceOf(KaapanaEnvironmentException.class).hasMessageContaining("SECAIMED_COLLATERAL_OFFLINE");
    assertThatThrownBy(() -> run("r5", Map.of("SECAIMED_COLLATERAL_DIR", "relative/dir")).collateralStoreDir())
        .isInstanceOf(KaapanaEnvironmentException.class).hasMessageContaining("SECAIMED_COLLATERAL_DIR");
  }
}
