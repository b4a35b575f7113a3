package org.secaimed.kaapana.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pod's proxy variables reach OkHttp (every client of the operator) through a local proxy. */
class EnvProxySelectorTest {
  ServerSocket proxy;
  final List<String> requestLines = new CopyOnWriteArrayList<>();
  ProxySelector before;

  @BeforeEach
  void startLocalProxy() throws Exception {
    before = ProxySelector.getDefault();
    proxy = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!proxy.isClosed()) {
        try (Socket s = proxy.accept()) {
          BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
          String first = in.readLine();
          requestLines.add(first);
          while (true) {
            String line = in.readLine();
            if (line == null || line.isEmpty()) break;
          }
          OutputStream out = s.getOutputStream();
          String status = first != null && first.startsWith("CONNECT") ? "403 Forbidden" : "200 OK";
          out.write(("HTTP/1.1 " + status + "\r\nContent-Length: 7\r\nConnection: close\r\n\r\nproxied").getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        } catch (Exception e) {
          // closed
        }
      }
    });
    t.setDaemon(true);
    t.start();
  }

  @AfterEach
  void stop() throws Exception {
    ProxySelector.setDefault(before);
    proxy.close();
  }

  String proxyUrl() {
    return "http://127.0.0.1:" + proxy.getLocalPort();
  }

  @Test
  void httpAndHttpsGoThroughTheSitesProxyExceptForNoProxyHosts() throws Exception {
    String said = EnvProxySelector.install(Map.of("http_proxy", proxyUrl(), "HTTPS_PROXY", proxyUrl(),
        "no_proxy", ".svc,.svc.cluster.local,localhost"));
    assertThat(said).contains("proxy");
    OkHttpClient http = new OkHttpClient();

    try (Response r = http.newCall(new Request.Builder().url("http://enclave-gateway.example/healthz").build()).execute()) {
      assertThat(r.body().string()).isEqualTo("proxied");
    }
    assertThatThrownBy(() -> http.newCall(new Request.Builder().url("https://enclave-gateway.example/v1/tasks").build()).execute())
        .hasMessageContaining("403");
    assertThat(requestLines).containsExactly("GET http://enclave-gateway.example/healthz HTTP/1.1",
        "CONNECT enclave-gateway.example:443 HTTP/1.1");

    ProxySelector s = ProxySelector.getDefault();
    assertThat(s.select(URI.create("http://dicom-web-filter-service.services.svc:8080/studies"))).containsExactly(Proxy.NO_PROXY);
    assertThat(s.select(URI.create("http://keycloak.admin.svc.cluster.local/auth"))).containsExactly(Proxy.NO_PROXY);
    assertThat(s.select(URI.create("http://localhost:8080/"))).containsExactly(Proxy.NO_PROXY);
    assertThat(s.select(URI.create("https://svc.example.org/"))).doesNotContain(Proxy.NO_PROXY);
  }

  @Test
  void withoutProxyVariablesNothingChangesAndABadProxyIsRefused() {
    assertThat(EnvProxySelector.install(Map.of("no_proxy", ".svc"))).isEqualTo("no proxy");
    assertThat(ProxySelector.getDefault()).isSameAs(before);
    assertThatThrownBy(() -> EnvProxySelector.fromEnvironment(Map.of("https_proxy", "http://bad host:x")))
        .hasMessageContaining("https_proxy");
    assertThat(EnvProxySelector.fromEnvironment(Map.of("https_proxy", proxyUrl(), "no_proxy", "*"))
        .select(URI.create("https://anything.example/"))).containsExactly(Proxy.NO_PROXY);
  }
}
