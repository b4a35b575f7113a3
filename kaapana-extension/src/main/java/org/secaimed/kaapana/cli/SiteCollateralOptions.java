package org.secaimed.kaapana.cli;

import java.nio.file.Path;
import org.secaimed.connector.attest.collateral.CollateralProvider;
import org.secaimed.connector.attest.collateral.CollateralSettings;
import org.secaimed.connector.attest.collateral.SiteCollateral;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * For commands that attest a live gateway: the site's own collateral store. The gateway's
 * collateral is only a hint; with no store (option or {@code SECAIMED_COLLATERAL_DIR}) hardware
 * evidence fails closed, dev evidence needs none.
 */
final class SiteCollateralOptions {
  @Option(names = "--collateral-store", paramLabel = "DIR",
      description = "the site's AMD KDS / Intel PCS collateral store (default $SECAIMED_COLLATERAL_DIR); without one, hardware evidence is refused")
  Path store;
  @Option(names = "--collateral-offline", description = "only the pre-seeded collateral store, no network (default $SECAIMED_COLLATERAL_OFFLINE)")
  boolean offline;
  @Mixin CollateralOptions endpoints = new CollateralOptions();

  CollateralProvider provider(CommandSpec spec) {
    Path dir = store;
    SiteCollateral.Mode mode = offline ? SiteCollateral.Mode.OFFLINE : SiteCollateral.Mode.ONLINE;
    try {
      if (dir == null) {
        String v = CollateralOptions.environment.get(CollateralSettings.DIR);
        if (v == null || v.isBlank()) return CollateralProvider.none();
        dir = CollateralSettings.fromEnvironment(CollateralOptions.environment, null).store();
      }
      if (!offline) mode = CollateralSettings.mode(CollateralSettings.OFFLINE, CollateralOptions.environment.get(CollateralSettings.OFFLINE));
    } catch (CollateralSettings.InvalidSetting e) {
      throw Usage.error(spec, e.getMessage());
    }
    return endpoints.settings(spec, dir, mode).provider();
  }
}
