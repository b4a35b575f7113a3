package org.secaimed.tests.servers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Serves directories read-only over HTTP on loopback (JDK HttpServer): each URL prefix maps to one
 * directory, and a path that leaves its directory is 404. For pages a test opens in a browser.
 */
public final class StaticFileServer implements AutoCloseable {
  private static final Map<String, String> TYPES = Map.of(
      ".html", "text/html; charset=utf-8", ".js", "text/javascript; charset=utf-8",
      ".json", "application/json", ".dcm", "application/dicom", ".png", "image/png");

  private final HttpServer server;

  private StaticFileServer(HttpServer server) {
    this.server = server;
  }

  /** Starts serving {@code prefixes} ("/" or "/name/" → directory) on a free loopback port. */
  public static StaticFileServer start(Map<String, Path> prefixes) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    prefixes.forEach((prefix, dir) -> server.createContext(prefix, ex -> serve(ex, prefix, dir.toAbsolutePath().normalize())));
    server.start();
    return new StaticFileServer(server);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  private static void serve(HttpExchange ex, String prefix, Path root) throws IOException {
    try (ex) {
      String rest = ex.getRequestURI().getPath().substring(prefix.length());
      Path file = root.resolve(rest.isEmpty() ? "index.html" : rest).normalize();
      if (!"GET".equals(ex.getRequestMethod()) || !file.startsWith(root) || !Files.isRegularFile(file)) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      String name = file.getFileName().toString();
      String type = TYPES.getOrDefault(name.contains(".") ? name.substring(name.lastIndexOf('.')) : "", "application/octet-stream");
      ex.getResponseHeaders().set("Content-Type", type);
      ex.sendResponseHeaders(200, Files.size(file));
      try (OutputStream out = ex.getResponseBody()) {
        Files.copy(file, out);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
