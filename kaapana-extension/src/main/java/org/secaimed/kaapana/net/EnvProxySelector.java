package org.secaimed.kaapana.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import okhttp3.HttpUrl;

/**
 * The proxy variables Kaapana sets for {@code enable_proxy=True} ({@code http_proxy},
 * {@code https_proxy}, {@code no_proxy}; upper-case forms too) as a JVM {@link ProxySelector}: the
 * JVM ignores those variables, so without this a pod at a site that reaches the internet only
 * through its proxy could not reach the enclave gateway. {@code no_proxy} entries match a host
 * exactly or as a domain suffix ({@code .svc}, {@code svc}, {@code example.org}); {@code *} turns
 * the proxy off. CIDR ranges are not interpreted (they match only as literal text).
 */
public final class EnvProxySelector extends ProxySelector {
  private final Proxy http;
  private final Proxy https;
  private final List<String> noProxy;

  private EnvProxySelector(Proxy http, Proxy https, List<String> noProxy) {
    this.http = http;
    this.https = https;
    this.noProxy = List.copyOf(noProxy);
  }

  /** The selector for {@code env}, or null when it names no proxy. Bad proxy URLs fail loudly. */
  public static EnvProxySelector fromEnvironment(Map<String, String> env) {
    Proxy http = proxy(env, "http_proxy");
    Proxy https = proxy(env, "https_proxy");
    if (http == null && https == null) return null;
    List<String> exclusions = new ArrayList<>();
    String list = value(env, "no_proxy");
    if (list != null) {
      for (String e : list.split(",")) if (!e.isBlank()) exclusions.add(e.trim().toLowerCase(Locale.ROOT));
    }
    return new EnvProxySelector(http, https, exclusions);
  }

  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isBlank()) v = env.get(name.toUpperCase(Locale.ROOT));
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static Proxy proxy(Map<String, String> env, String name) {
    String v = value(env, name);
    if (v == null) return null;
    HttpUrl u = HttpUrl.parse(v.contains("://") ? v : "http://" + v);
    if (u == null) throw new IllegalArgumentException(name + ": not a proxy URL: " + v);
    return new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(u.host(), u.port()));
  }

  @Override
  public List<Proxy> select(URI uri) {
    if (uri == null) throw new IllegalArgumentException("uri is null");
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    Proxy p = scheme.equals("https") ? https : scheme.equals("http") ? http : null;
    if (p == null || excluded(uri.getHost())) return List.of(Proxy.NO_PROXY);
    return List.of(p);
  }

  boolean excluded(String host) {
    if (host == null) return true;
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
    for (String e : noProxy) {
      if (e.equals("*")) return true;
      String suffix = e.startsWith(".") ? e : "." + e;
      if (h.equals(e) || h.equals(suffix.substring(1)) || h.endsWith(suffix)) return true;
    }
    return false;
  }

  @Override
  public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
    // Nothing to fall back to: a site that sets a proxy has no direct route.
  }

  /** Installs the selector for the process when the environment names a proxy; says what it did. */
  public static String install(Map<String, String> env) {
    EnvProxySelector s = fromEnvironment(env);
    if (s == null) return "no proxy";
    ProxySelector.setDefault(s);
    return "proxy " + (s.https != null ? s.https.address() : "-") + " for https, " + (s.http != null ? s.http.address() : "-")
        + " for http, not for " + s.noProxy;
  }
}
