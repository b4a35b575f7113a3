package org.secaimed.devtools.demo;

import org.secaimed.connector.io.AtomicFiles;
import org.secaimed.connector.SecaimedFailure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.secaimed.connector.io.Digests;
import org.secaimed.devtools.phantom.PhantomSeries;

/**
 * Where a demo run keeps its files, so that a run never reuses stale or half-written data and never
 * deletes a file it did not write:
 *
 * <ul>
 *   <li>the phantom lives in a folder named by its parameters ({@code ct-phantom-256x256x64}); it is
 *       written into a hidden {@code .partial} folder and renamed into place only when complete,
 *       with a manifest of every file's SHA-256, and reused only if the folder holds exactly those
 *       files with those digests;
 *   <li>each run's journal, enclave state and SEG go into a new folder {@code runs/<UTC time>}; old
 *       runs are left as they are.
 * </ul>
 */
public final class DemoWorkspace {
  static final String MANIFEST = "phantom.sha256";
  private static final DateTimeFormatter RUN_NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'");

  /** The workspace holds something the demo did not write or that changed since; nothing was deleted. */
  public static final class NotOursException extends IOException implements SecaimedFailure {
    @Override
    public String code() {
      return "NOT_A_DEMO_FOLDER";
    }

    NotOursException(String message) {
      super(message);
    }
  }

  private final Path outDir;

  public DemoWorkspace(Path outDir) {
    this.outDir = outDir;
  }

  /** The phantom's folder, written now or verified and reused. */
  public Path phantom(PhantomSeries series, String name) throws IOException {
    Files.createDirectories(outDir);
    Path dir = outDir.resolve(name);
    if (Files.exists(dir)) {
      verify(dir);
      return dir;
    }
    removeOwnPartials(name);
    Path partial = Files.createTempDirectory(outDir, "." + name + ".partial-");
    List<Path> files = series.writeTo(partial);
    StringBuilder manifest = new StringBuilder();
    for (Path f : files) manifest.append(sha256(f)).append("  ").append(f.getFileName()).append('\n');
    Files.writeString(partial.resolve(MANIFEST), manifest, StandardCharsets.UTF_8);
    AtomicFiles.publishFolder(partial, dir);
    return dir;
  }

  /** A new, empty folder for one run's journal, enclave state and SEG. */
  public Path newRun() throws IOException {
    Path runs = Files.createDirectories(outDir.resolve("runs"));
    for (int attempt = 0; ; attempt++) {
      String name = RUN_NAME.format(ZonedDateTime.now(ZoneOffset.UTC)) + (attempt == 0 ? "" : "-" + attempt);
      Path run = runs.resolve(name);
      try {
        return Files.createDirectory(run);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        if (attempt > 100) throw e;
      }
    }
  }

  /** Exactly the manifest's files with the manifest's digests, or a refusal naming the first difference. */
  static void verify(Path dir) throws IOException {
    Path manifest = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(manifest)) {
      throw new NotOursException(dir + " was not written by this demo (no " + MANIFEST + "); remove it or choose another --out");
    }
    Map<String, String> expected = new LinkedHashMap<>();
    for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
      if (line.isBlank()) continue;
      int sep = line.indexOf("  ");
      if (sep != 64) throw new NotOursException(manifest + ": not a phantom manifest; remove " + dir + " or choose another --out");
      expected.put(line.substring(sep + 2), line.substring(0, sep));
    }
    Set<String> present = new TreeSet<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(MANIFEST)).forEach(present::add);
    }
    List<String> extra = new ArrayList<>(present);
    extra.removeAll(expected.keySet());
    if (!extra.isEmpty()) throw new NotOursException(dir + " holds files the demo did not write (" + extra.get(0) + "); remove them or choose another --out");
    for (Map.Entry<String, String> e : expected.entrySet()) {
      Path f = dir.resolve(e.getKey());
      if (!Files.isRegularFile(f)) throw new NotOursException(dir + ": " + e.getKey() + " is missing; remove the folder or choose another --out");
      if (!sha256(f).equals(e.getValue())) throw new NotOursException(dir + ": " + e.getKey() + " changed since the demo wrote it; remove the folder or choose another --out");
    }
  }

  /** Hidden {@code .partial} folders of an interrupted phantom write: only the demo creates these names. */
  private void removeOwnPartials(String name) throws IOException {
    try (Stream<Path> s = Files.list(outDir)) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith("." + name + ".partial-")).toList()) {
        try (Stream<Path> w = Files.walk(p)) {
          for (Path f : w.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
        }
      }
    }
  }

  static String sha256(Path file) throws IOException {
    MessageDigest md = Digests.sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
