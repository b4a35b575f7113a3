package org.secaimed.devtools.enclave;

import org.secaimed.connector.io.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The dev enclave's "measurement": SHA-256 of its own code, i.e. of the jar it runs from, or,
 * when run from a classes folder (tests, IDE), of every file in it by sorted relative path
 * (path bytes, 0x00, content). It changes with every build, like a real launch measurement.
 */
public final class CodeMeasurement {
  private CodeMeasurement() {}

  public static String ofCodeContaining(Class<?> type) {
    try {
      Path location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Files.isDirectory(location) ? ofDirectory(location) : ofFile(location);
    } catch (URISyntaxException | IOException e) {
      throw new IllegalStateException("cannot measure the dev enclave's code", e);
    }
  }

  static String ofFile(Path file) throws IOException {
    MessageDigest md = Digests.sha256();
    try (InputStream in = Files.newInputStream(file)) {
      in.transferTo(new java.security.DigestOutputStream(java.io.OutputStream.nullOutputStream(), md));
    }
    return HexFormat.of().formatHex(md.digest());
  }

  static String ofDirectory(Path dir) throws IOException {
    MessageDigest md = Digests.sha256();
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : files) {
      md.update(dir.relativize(f).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      try {
        md.update(Files.readAllBytes(f));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
