package org.secaimed.connector.attest.collateral;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.EvidenceJson;
import org.secaimed.connector.attest.verify.snp.AzureHclReport;
import org.secaimed.connector.attest.verify.snp.SnpReport;

/**
 * The site's own collateral: fetched from AMD KDS / Intel PCS through a disk cache
 * ({@link CollateralStore}), or, offline, read only from a pre-seeded store. Replaces whatever
 * the gateway supplied (docs/attestation.md "Collateral at the site").
 *
 * <p>Cache rules: an immutable VCEK is never fetched twice; anything else is fresh until the
 * earlier of its {@code nextUpdate} and the response's {@code Cache-Control: max-age} (else
 * {@code defaultFreshness}). A stale item is refetched; if that fails, the cached copy is served
 * while {@code now <= freshUntil + grace} (the policy's {@code staleCollateralGrace}), and the
 * failure becomes a {@link CollateralException} after that. Offline mode never opens a
 * connection and serves the store's items whatever their age: the policy's
 * {@code requireCurrentCollateral} still judges their {@code nextUpdate}.
 */
public final class SiteCollateral implements CollateralProvider {
  public static final URI AMD_KDS = URI.create("https://kdsintf.amd.com/");
  public static final URI INTEL_PCS = URI.create("https://api.trustedservices.intel.com/");
  public static final URI INTEL_ROOT_CRL = URI.create("https://certificates.trustedservices.intel.com/IntelSGXRootCA.der");

  /** Online: fetch and cache. Offline: the pre-seeded store only, no network. */
  public enum Mode { ONLINE, OFFLINE }

  private final CollateralStore store;
  private final Mode mode;
  private final URI kds;
  private final URI pcs;
  private final URI rootCrl;
  private final CollateralHttp http;
  private final Duration defaultFreshness;

  private SiteCollateral(Builder b) {
    this.store = new CollateralStore(Objects.requireNonNull(b.store, "store"));
    this.mode = b.mode;
    this.kds = b.kds;
    this.pcs = b.pcs;
    this.rootCrl = b.rootCrl;
    this.http = b.http;
    this.defaultFreshness = b.defaultFreshness;
  }

  public static Builder builder(Path store) {
    return new Builder(store);
  }

  public CollateralStore store() {
    return store;
  }

  public Mode mode() {
    return mode;
  }

  @Override
  public Resolution resolve(Evidence hint, Instant at, Duration grace) throws CollateralException {
    List<String> sources = new ArrayList<>();
    Fetch fetch = (key, url, kind, chainHeader) -> item(key, url, kind, chainHeader, at, grace, sources);
    return new Resolution(resolve(hint, fetch), sources);
  }

  private Evidence resolve(Evidence hint, Fetch fetch) throws CollateralException {
    try {
      return switch (hint.format()) {
        case "sev-snp" -> AmdKds.resolve(hint, SnpReport.parse(hint.data()), kds, fetch);
        case "azure-snp-hcl" -> AmdKds.resolve(hint, AzureHclReport.parse(hint.data()).snp(), kds, fetch);
        case "tdx", "sgx" -> IntelPcs.resolve(hint, pcs, rootCrl, fetch);
        case "composite" -> composite(hint, fetch);
        default -> hint; // ear, dev: nothing a site fetches
      };
    } catch (EvidenceFormatException e) {
      throw new CollateralException(CollateralException.Reason.NOT_FETCHABLE, hint.format(), "the evidence does not parse: " + e.getMessage());
    }
  }

  private Evidence composite(Evidence hint, Fetch fetch) throws CollateralException, EvidenceFormatException {
    List<Evidence> parts = new ArrayList<>();
    for (Evidence part : EvidenceJson.listFromJson(hint.data(), hint.format())) {
      if (part.format().equals("composite")) throw new EvidenceFormatException("composite", "data", "nested composite");
      parts.add(resolve(part, fetch));
    }
    return new Evidence(hint.format(), EvidenceJson.listToJson(parts), hint.certificates(), hint.collateral());
  }

  /** One item through the cache; {@code sources} gets "key (fetched|cached|stale|offline store)". */
  private CollateralItem item(String key, URI url, CollateralKind kind, String chainHeader, Instant at, Duration grace, List<String> sources)
      throws CollateralException {
    Optional<CollateralItem> cached;
    CollateralException unreadable = null;
    try {
      cached = store.read(key);
    } catch (CollateralException e) {
      cached = Optional.empty(); // a damaged entry is never served; online it is replaced below
      unreadable = e;
    }
    if (mode == Mode.OFFLINE) {
      if (cached.isPresent()) return noted(sources, cached.get(), "offline store");
      throw unreadable != null ? unreadable
          : new CollateralException(CollateralException.Reason.NOT_IN_OFFLINE_STORE, key, "not in the offline store " + store.dir()
              + " (seed it with 'secaimed attest collateral fetch' on a connected machine)");
    }
    if (cached.isPresent() && cached.get().freshAt(at)) return noted(sources, cached.get(), "cached");
    try {
      CollateralHttp.Answer a = http.get(key, url, chainHeader);
      String chain = a.header().map(h -> URLDecoder.decode(h, StandardCharsets.UTF_8)).orElse(null);
      byte[] body = a.body();
      CollateralResponses.check(key, kind, body, chain);
      CollateralItem fresh = new CollateralItem(key, url.toString(), kind, body, chain, at,
          CollateralResponses.freshUntil(kind, body, a.cacheControl().orElse(null), at, defaultFreshness));
      try {
        store.write(fresh);
        return noted(sources, fresh, "fetched");
      } catch (IOException e) {
        return noted(sources, fresh, "fetched, not stored: " + e.getMessage());
      }
    } catch (CollateralException e) {
      if (cached.isPresent() && cached.get().servableStaleAt(at, grace)) {
        return noted(sources, cached.get(), "stale since " + cached.get().freshUntil() + ", served within the grace: " + e.getMessage());
      }
      if (cached.isPresent()) {
        throw new CollateralException(CollateralException.Reason.UNAVAILABLE, key, e.getMessage().replaceFirst("^collateral \\S+: ", "")
            + "; the cached copy is stale since " + cached.get().freshUntil() + ", beyond the policy's staleCollateralGrace " + grace);
      }
      throw e;
    }
  }

  private static CollateralItem noted(List<String> sources, CollateralItem item, String how) {
    sources.add(item.key() + " (" + how + ")");
    return item;
  }

  /** Defaults: online, real KDS/PCS URLs, {@link CollateralHttp#defaults()}, items without a lifetime fresh for a day. */
  public static final class Builder {
    private final Path store;
    private Mode mode = Mode.ONLINE;
    private URI kds = AMD_KDS;
    private URI pcs = INTEL_PCS;
    private URI rootCrl = INTEL_ROOT_CRL;
    private CollateralHttp http;
    private Duration defaultFreshness = Duration.ofDays(1);

    private Builder(Path store) {
      this.store = store;
    }

    public Builder mode(Mode m) {
      this.mode = Objects.requireNonNull(m);
      return this;
    }

    /** Base URLs of AMD KDS, Intel PCS and the Intel Root CA CRL (a site mirror, or a test server). */
    public Builder endpoints(URI kds, URI pcs, URI rootCrl) {
      this.kds = Objects.requireNonNull(kds);
      this.pcs = Objects.requireNonNull(pcs);
      this.rootCrl = Objects.requireNonNull(rootCrl);
      return this;
    }

    public Builder http(CollateralHttp h) {
      this.http = Objects.requireNonNull(h);
      return this;
    }

    public Builder defaultFreshness(Duration d) {
      if (d.isNegative()) throw new IllegalArgumentException("defaultFreshness must not be negative");
      this.defaultFreshness = d;
      return this;
    }

    public SiteCollateral build() {
      if (http == null) http = CollateralHttp.defaults();
      return new SiteCollateral(this);
    }
  }
}
