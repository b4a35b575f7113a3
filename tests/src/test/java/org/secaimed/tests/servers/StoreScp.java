package org.secaimed.tests.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A dcmtk {@code storescp} on a free loopback port: a real, independent C-STORE receiver used
 * as C-MOVE destination in tests. Files land in {@link #dir()}; stopped by its pid.
 */
public final class StoreScp implements AutoCloseable {
  private final String aeTitle;
  private final Path dir;
  private final int port;
  private final Process process;

  private StoreScp(String aeTitle, Path dir, int port, Process process) {
    this.aeTitle = aeTitle;
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  public static StoreScp start(String aeTitle) {
    try {
      Path dir = Files.createTempDirectory("storescp-");
      int port = FreePorts.pick();
      Process p = new ProcessBuilder("storescp", "--aetitle", aeTitle, "--output-directory", dir.toString(), "--accept-all", String.valueOf(port))
          .redirectErrorStream(true).redirectOutput(dir.resolveSibling(dir.getFileName() + ".log").toFile()).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        if (!p.isAlive()) throw new IOException("storescp exited with " + p.exitValue());
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 300);
          return new StoreScp(aeTitle, dir, port, p);
        } catch (IOException notYet) {
          Thread.sleep(50);
        }
      }
      p.destroyForcibly();
      throw new IOException("storescp did not listen on " + port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public String aeTitle() {
    return aeTitle;
  }

  public int port() {
    return port;
  }

  public Path dir() {
    return dir;
  }

  /** Files received so far. */
  public List<Path> received() {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort
    }
    dir.resolveSibling(dir.getFileName() + ".log").toFile().delete();
  }
}
