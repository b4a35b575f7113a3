package org.secaimed.connector.attest.collateral;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where a site's own collateral comes from, read once from configuration: the one place that
 * turns {@code SECAIMED_COLLATERAL_*} settings (or the equivalent command options) into a
 * {@link SiteCollateral}, so the Kaapana job, {@code kaapana run --check} and the CLI commands
 * cannot wire it differently (docs/attestation.md "Collateral at the site").
 *
 * <p>A mirror must answer the same paths as the service it stands for, at the root of its host
 * ({@code /vcek/v1/...}, {@code /tdx/certification/v4/...}); its answers are still checked
 * against the pinned AMD/Intel roots, so a mirror is trusted for availability only.
 */
public record CollateralSettings(Path store, SiteCollateral.Mode mode, URI kds, URI pcs, URI rootCrl) {
  public static final String DIR = "SECAIMED_COLLATERAL_DIR";
  public static final String OFFLINE = "SECAIMED_COLLATERAL_OFFLINE";
  public static final String KDS_URL = "SECAIMED_COLLATERAL_KDS_URL";
  public static final String PCS_URL = "SECAIMED_COLLATERAL_PCS_URL";
  public static final String INTEL_ROOT_CRL_URL = "SECAIMED_COLLATERAL_INTEL_ROOT_CRL_URL";

  /** A setting that cannot be used; names the variable or option. */
  public static final class InvalidSetting extends Exception {
    private final String setting;

    public InvalidSetting(String setting, String message) {
      super(setting + ": " + message);
      this.setting = setting;
    }

    public String setting() {
      return setting;
    }
  }

  public CollateralSettings {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(kds, "kds");
    Objects.requireNonNull(pcs, "pcs");
    Objects.requireNonNull(rootCrl, "rootCrl");
  }

  /**
   * From environment variables: {@value #DIR} (absolute; else {@code defaultStore}, which may be
   * null: then a missing variable is an error), {@value #OFFLINE} ({@code true|false}),
   * {@value #KDS_URL}, {@value #PCS_URL}, {@value #INTEL_ROOT_CRL_URL} (site mirrors; default the
   * real AMD/Intel services).
   */
  public static CollateralSettings fromEnvironment(Map<String, String> env, Path defaultStore) throws InvalidSetting {
    String dir = blankToNull(env.get(DIR));
    Path store;
    if (dir != null) {
      store = Path.of(dir);
      if (!store.isAbsolute()) throw new InvalidSetting(DIR, "'" + dir + "' is not an absolute path");
    } else if (defaultStore != null) {
      store = defaultStore;
    } else {
      throw new InvalidSetting(DIR, "not set: the site needs a collateral store (the gateway's collateral is only a hint)");
    }
    return new CollateralSettings(store, mode(OFFLINE, env.get(OFFLINE)), url(KDS_URL, env.get(KDS_URL), SiteCollateral.AMD_KDS),
        url(PCS_URL, env.get(PCS_URL), SiteCollateral.INTEL_PCS), url(INTEL_ROOT_CRL_URL, env.get(INTEL_ROOT_CRL_URL), SiteCollateral.INTEL_ROOT_CRL));
  }

  /** {@code true|false} (blank: online) as a mode; {@code setting} names the variable or option in the error. */
  public static SiteCollateral.Mode mode(String setting, String value) throws InvalidSetting {
    String v = value == null ? "false" : value.strip();
    if (v.isEmpty() || v.equals("false")) return SiteCollateral.Mode.ONLINE;
    if (v.equals("true")) return SiteCollateral.Mode.OFFLINE;
    throw new InvalidSetting(setting, "'" + value + "' is not true or false");
  }

  /** An http(s) URL, or {@code fallback} when {@code value} is blank. */
  public static URI url(String setting, String value, URI fallback) throws InvalidSetting {
    String v = blankToNull(value);
    if (v == null) return fallback;
    try {
      URI u = new URI(v);
      if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme()) || u.getHost() == null) {
        throw new InvalidSetting(setting, "not an http(s) URL: " + v);
      }
      return u;
    } catch (URISyntaxException e) {
      throw new InvalidSetting(setting, "not a URL: " + v);
    }
  }

  public CollateralSettings withStore(Path s) {
    return new CollateralSettings(s, mode, kds, pcs, rootCrl);
  }

  public CollateralSettings withMode(SiteCollateral.Mode m) {
    return new CollateralSettings(store, m, kds, pcs, rootCrl);
  }

  public CollateralSettings withEndpoints(URI k, URI p, URI r) {
    return new CollateralSettings(store, mode, k, p, r);
  }

  /** The provider these settings describe (default HTTP client and freshness). */
  public SiteCollateral provider() {
    return SiteCollateral.builder(store).mode(mode).endpoints(kds, pcs, rootCrl).build();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
