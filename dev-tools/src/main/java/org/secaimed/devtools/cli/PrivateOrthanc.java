package org.secaimed.devtools.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** An Orthanc with the DICOMweb plugin on free loopback ports in a temp dir; stopped by its pid. */
final class PrivateOrthanc implements AutoCloseable {
  private final Path dir;
  private final Process process;
  private final int httpPort;

  private PrivateOrthanc(Path dir, Process process, int httpPort) {
    this.dir = dir;
    this.process = process;
    this.httpPort = httpPort;
  }

  static PrivateOrthanc start() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("secaimed-bench-orthanc-");
    Files.createDirectories(dir.resolve("db"));
    int http = freePort();
    int dicom = freePort();
    String db = dir.resolve("db").toString().replace("\\", "\\\\").replace("\"", "\\\"");
    Files.writeString(dir.resolve("orthanc.json"), """
        { "Name": "BENCH", "StorageDirectory": "%1$s", "IndexDirectory": "%1$s", "StorageCompression": false,
          "HttpPort": %2$d, "RemoteAccessAllowed": false, "AuthenticationEnabled": false, "HttpCompressionEnabled": false,
          "DicomPort": %3$d, "DicomAet": "BENCH", "SaveJobs": false,
          "Plugins": [ "/usr/share/orthanc/plugins/libOrthancDicomWeb.so" ],
          "DicomWeb": { "Enable": true, "Root": "/dicom-web/", "Host": "127.0.0.1:%2$d", "Ssl": false } }
        """.formatted(db, http, dicom));
    Process p = new ProcessBuilder("Orthanc", dir.resolve("orthanc.json").toString()).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve("orthanc.log").toFile()).start();
    PrivateOrthanc o = new PrivateOrthanc(dir, p, http);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        o.close();
        throw new IOException("Orthanc exited with " + p.exitValue() + " (is the orthanc and orthanc-dicomweb package installed?)");
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", http), 300);
        Thread.sleep(200); // the plugin registers its routes just after the port opens
        return o;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    o.close();
    throw new IOException("Orthanc did not start within 30 s");
  }

  String dicomWebUrl() {
    return "http://127.0.0.1:" + httpPort + "/dicom-web";
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // best effort
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
