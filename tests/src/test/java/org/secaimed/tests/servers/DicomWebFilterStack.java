package org.secaimed.tests.servers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Kaapana 0.6.0's REAL dicom-web-filter (unmodified source from ../shared/kaapana) with PostgreSQL,
 * in front of Orthanc, started by the shared {@code dicom-web-filter-stack/run-stack.sh} on free
 * ports. Imitated by that script (see RUNNING-DICOM-WEB-FILTER.md): Keycloak's token/JWKS endpoints
 * (RS256 tokens with Kaapana's {@code projects} claim; users kaapana=admin, alice=alpha, bob=beta),
 * the access-information-interface, and a thin proxy that makes Orthanc answer like dcm4chee.
 * The Python venv is kept in {@code ~/.cache/secaimed/dwf-venv} (scripts/setup builds it).
 */
public final class DicomWebFilterStack implements AutoCloseable {
  public static final String ALPHA = "be5de4f9-4eb1-4401-b80c-533dfb6f6914";
  public static final String BETA = "21ba1470-f25b-48cd-8a9c-40ec041a823e";

  private final Path script;
  private final Map<String, String> env = new HashMap<>();
  private final Map<String, String> out = new HashMap<>();
  private final int kcPort;

  private DicomWebFilterStack(Path home) {
    Path shared = Path.of(System.getProperty("secaimed.repo.root", "..")).resolve("../shared/kaapana").normalize();
    this.script = shared.resolve("dicom-web-filter-stack/run-stack.sh");
    this.kcPort = FreePorts.pick();
    env.put("DWF_HOME", home.toString());
    env.put("DWF_PORT", Integer.toString(FreePorts.pick()));
    env.put("PG_PORT", Integer.toString(FreePorts.pick()));
    env.put("ORTHANC_PORT", Integer.toString(FreePorts.pick()));
    env.put("PACS_PORT", Integer.toString(FreePorts.pick()));
    env.put("KC_PORT", Integer.toString(kcPort));
    env.put("AII_PORT", Integer.toString(FreePorts.pick()));
    env.put("INGRESS_PORT", "0");
  }

  /**
   * Starts the stack with a fresh database and PACS in a new folder under /tmp (world-traversable:
   * PostgreSQL runs as the postgres user, which cannot enter JUnit's private temp folders).
   */
  public static DicomWebFilterStack start() throws IOException, InterruptedException {
    Path venv = Path.of(System.getProperty("user.home"), ".cache", "secaimed", "dwf-venv");
    Files.createDirectories(venv.getParent());
    Path home = Files.createTempDirectory("secaimed-dwf-",
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
    if (!Files.exists(home.resolve("venv"))) Files.createSymbolicLink(home.resolve("venv"), venv);
    DicomWebFilterStack s = new DicomWebFilterStack(home);
    String log = s.run("start", 300);
    for (String line : Files.readAllLines(home.resolve("run/env"))) {
      int eq = line.indexOf('=');
      if (eq > 0) s.out.put(line.substring(0, eq), line.substring(eq + 1));
    }
    if (!s.out.containsKey("DWF_BASE_URL")) throw new IOException("dicom-web-filter stack did not start:\n" + log);
    return s;
  }

  private String run(String action, int timeoutSeconds) throws IOException, InterruptedException {
    return run(action, timeoutSeconds, null);
  }

  private String run(String action, int timeoutSeconds, String arg) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(arg == null ? List.of("bash", script.toString(), action)
        : List.of("bash", script.toString(), action, arg)).redirectErrorStream(false);
    pb.environment().putAll(env);
    pb.redirectError(Path.of(env.get("DWF_HOME")).resolve(action + ".stderr").toFile());
    Process p = pb.start();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("run-stack.sh " + action + " timed out");
    }
    if (p.exitValue() != 0) {
      throw new IOException("run-stack.sh " + action + " exited " + p.exitValue() + ": "
          + Files.readString(Path.of(env.get("DWF_HOME")).resolve(action + ".stderr")));
    }
    return stdout;
  }

  /** In-cluster address of the filter ({@code DICOM_WEB_FILTER_URL}). */
  public String filterUrl() { return out.get("DWF_BASE_URL"); }

  /** Orthanc's own DICOMweb root behind the filter (for loading data as a modality would). */
  public String orthancDicomWeb() { return out.get("ORTHANC_DICOMWEB"); }

  /** {@code KEYCLOAK_URL} as Kaapana gives it to pods (the realm path is added by the client). */
  public String keycloakUrl() { return "http://127.0.0.1:" + kcPort; }

  /** An RS256 token of the stand-in Keycloak with Kaapana's projects claim. */
  public String token(String user) throws IOException, InterruptedException {
    return run("token", 60, user).trim();
  }

  /** Maps a series into a project the way Kaapana's LocalAssignDataToProjectOperator does. */
  public void assignToProject(String studyUid, String seriesUid, String projectId) throws IOException, InterruptedException {
    String admin = token("kaapana");
    put(filterUrl() + "/data/" + seriesUid + "?study_uid=" + studyUid + "&description=Dicom%20data", admin);
    put(filterUrl() + "/projects/" + projectId + "/data/" + seriesUid, admin);
  }

  private static void put(String url, String token) throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + token).PUT(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IOException("PUT " + url + " -> " + r.statusCode() + " " + r.body());
  }

  /** GET through the filter as {@code user}; returns the status code. */
  public int status(String pathAndQuery, String user) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(filterUrl() + pathAndQuery))
        .header("Authorization", "Bearer " + token(user)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Override
  public void close() {
    try {
      run("stop", 60);
      try (var files = Files.walk(Path.of(env.get("DWF_HOME")))) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("stopping the dicom-web-filter stack: " + e.getMessage(), e);
    }
  }
}
