package org.secaimed.tests.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A private Orthanc PACS with the DICOMweb plugin for tests: free loopback ports, its own
 * temporary storage, stopped by its process id. Use it as a JUnit extension
 *
 * <pre>{@code
 * @RegisterExtension static final OrthancServer PACS = OrthancServer.builder().aeTitle("TESTPACS").build();
 * ... PACS.dicomWebUrl() ... PACS.dicomPort() ... PACS.addModality("dest", "DEST", "127.0.0.1", port);
 * }</pre>
 *
 * or directly with {@link #start()} / {@link #close()}. Orthanc 1.10 has no bind-address option:
 * it listens on all interfaces; {@code RemoteAccessAllowed:false} restricts HTTP to loopback,
 * DICOM has no such switch (acceptable on CI; run in a network namespace otherwise).
 */
public final class OrthancServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
  private static final String DICOMWEB_PLUGIN = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";
  private static final Duration STARTUP = Duration.ofSeconds(30);

  /** A remote AE Orthanc may send to (C-MOVE destination) or accept requests from. */
  public record Modality(String aeTitle, String host, int port) {}

  private final String aeTitle;
  private final Map<String, Modality> modalities;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Path dir;
  private Process process;
  private int httpPort;
  private int dicomPort;

  private OrthancServer(Builder b) {
    this.aeTitle = b.aeTitle;
    this.modalities = new LinkedHashMap<>(b.modalities);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts Orthanc and waits until both its HTTP and DICOM ports answer. Idempotent. */
  public synchronized OrthancServer start() {
    if (process != null) return this;
    IOException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) { // a picked port can be taken by someone else in between
      try {
        launch();
        return this;
      } catch (IOException e) {
        last = e;
        stopProcess();
        deleteDir();
      }
    }
    throw new UncheckedIOException("Orthanc did not start", last);
  }

  private void launch() throws IOException {
    dir = Files.createTempDirectory("orthanc-test-");
    Files.createDirectories(dir.resolve("db"));
    httpPort = FreePorts.pick();
    dicomPort = FreePorts.pick();
    Files.writeString(dir.resolve("orthanc.json"), config(), StandardCharsets.UTF_8);
    ProcessBuilder pb = new ProcessBuilder("Orthanc", dir.resolve("orthanc.json").toString())
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("orthanc.log").toFile());
    process = pb.start();
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new IOException("Orthanc exited with " + process.exitValue() + ": " + logTail());
      if (httpReady() && dicomReady()) return;
      sleep(100);
    }
    throw new IOException("Orthanc not ready within " + STARTUP + ": " + logTail());
  }

  private String config() {
    StringBuilder m = new StringBuilder();
    for (Map.Entry<String, Modality> e : modalities.entrySet()) {
      if (m.length() > 0) m.append(",\n");
      m.append(String.format("    \"%s\": { \"AET\": \"%s\", \"Host\": \"%s\", \"Port\": %d }", e.getKey(), e.getValue().aeTitle(), e.getValue().host(), e.getValue().port()));
    }
    String db = json(dir.resolve("db").toString());
    return """
        {
          "Name": "%1$s",
          "StorageDirectory": "%2$s", "IndexDirectory": "%2$s",
          "StorageCompression": false,
          "HttpServerEnabled": true, "HttpPort": %3$d, "RemoteAccessAllowed": false, "AuthenticationEnabled": false,
          "DicomServerEnabled": true, "DicomAet": "%1$s", "DicomPort": %4$d, "DicomCheckCalledAet": false,
          "DicomAlwaysAllowEcho": true, "DicomAlwaysAllowStore": true, "DicomAlwaysAllowFind": true,
          "DicomAlwaysAllowGet": true, "DicomAlwaysAllowMove": true, "UnknownSopClassAccepted": true,
          "DicomModalitiesInDatabase": false,
          "SaveJobs": false, "HttpCompressionEnabled": false, "LogExportedResources": false,
          "DicomModalities": {
        %5$s
          },
          "Plugins": [ "%6$s" ],
          "DicomWeb": { "Enable": true, "Root": "/dicom-web/", "EnableWado": true, "WadoRoot": "/wado",
                        "Host": "127.0.0.1:%3$d", "Ssl": false, "StudiesMetadata": "Full", "SeriesMetadata": "Full" }
        }
        """.formatted(aeTitle, db, httpPort, dicomPort, m, DICOMWEB_PLUGIN);
  }

  private static String json(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private boolean httpReady() {
    try {
      return get("/system").statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  private boolean dicomReady() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", dicomPort), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Registers (or replaces) a remote modality at run time, e.g. a C-MOVE destination started after Orthanc. */
  public void addModality(String name, String aeTitle, String host, int port) {
    String body = String.format("{\"AET\":\"%s\",\"Host\":\"%s\",\"Port\":%d}", aeTitle, host, port);
    HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/modalities/" + name)).PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    if (r.statusCode() / 100 != 2) throw new IllegalStateException("Orthanc refused modality " + name + ": HTTP " + r.statusCode() + " " + r.body());
    modalities.put(name, new Modality(aeTitle, host, port));
  }

  /** Deletes every patient (and so every instance), for tests that need an empty PACS. */
  public void clear() {
    String ids = send(HttpRequest.newBuilder(uri("/patients")).GET().build()).body();
    for (String id : ids.replaceAll("[\\[\\]\"\\s]", "").split(",")) {
      if (!id.isEmpty()) send(HttpRequest.newBuilder(uri("/patients/" + id)).DELETE().build());
    }
  }

  /** Number of instances Orthanc holds (its REST API, independent of DICOMweb). */
  public int instanceCount() {
    String body = send(HttpRequest.newBuilder(uri("/instances")).GET().build()).body().trim();
    return body.equals("[]") ? 0 : body.split(",").length;
  }

  /** Uploads one Part-10 file through Orthanc's own REST API (test set-up without our client). */
  public void upload(Path file) throws IOException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/instances")).POST(HttpRequest.BodyPublishers.ofFile(file)).build());
    if (r.statusCode() != 200) throw new IOException("Orthanc rejected " + file + ": HTTP " + r.statusCode() + " " + r.body());
  }

  public String host() {
    return "127.0.0.1";
  }

  /** e.g. {@code http://127.0.0.1:40123} (Orthanc's REST API). */
  public String baseUrl() {
    requireStarted();
    return "http://127.0.0.1:" + httpPort;
  }

  /** The DICOMweb service root, e.g. {@code http://127.0.0.1:40123/dicom-web}. */
  public String dicomWebUrl() {
    return baseUrl() + "/dicom-web";
  }

  public int httpPort() {
    requireStarted();
    return httpPort;
  }

  public int dicomPort() {
    requireStarted();
    return dicomPort;
  }

  public String aeTitle() {
    return aeTitle;
  }

  public long pid() {
    requireStarted();
    return process.pid();
  }

  public Path logFile() {
    return dir.resolve("orthanc.log");
  }

  /** The last lines of Orthanc's log, for assertion messages. */
  public String logTail() {
    try {
      java.util.List<String> lines = Files.readAllLines(logFile());
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** Stops Orthanc (by its pid, politely then forcibly) and deletes its storage. */
  @Override
  public synchronized void close() {
    stopProcess();
    deleteDir();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  private void stopProcess() {
    if (process == null) return;
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  private void deleteDir() {
    if (dir == null) return;
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: a temp dir left behind is harmless
    }
    dir = null;
  }

  private URI uri(String path) {
    return URI.create(baseUrl() + path);
  }

  private HttpResponse<String> get(String path) throws IOException {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(2)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private HttpResponse<String> send(HttpRequest req) {
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void requireStarted() {
    if (process == null) throw new IllegalStateException("Orthanc is not started");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public static final class Builder {
    private String aeTitle = "TESTPACS";
    private final Map<String, Modality> modalities = new LinkedHashMap<>();

    public Builder aeTitle(String aet) {
      this.aeTitle = aet;
      return this;
    }

    /** A modality known from the start (C-MOVE destinations can also be added later with {@link OrthancServer#addModality}). */
    public Builder modality(String name, String aeTitle, String host, int port) {
      modalities.put(name, new Modality(aeTitle, host, port));
      return this;
    }

    public OrthancServer build() {
      return new OrthancServer(this);
    }
  }
}
