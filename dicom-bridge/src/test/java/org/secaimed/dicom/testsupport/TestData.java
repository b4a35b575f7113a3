package org.secaimed.dicom.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Shared test data and the external checkers (dciodvfy, pydicom) the SEG tests call. */
public final class TestData {
  private TestData() {}

  public static Path dicom(String relative) {
    String root = System.getProperty("secaimed.repo.root", ".");
    return Path.of(root).resolve("../shared/testdata/dicom").resolve(relative).normalize();
  }

  /** The "Error" lines dciodvfy prints for a file (its exit code is not a reliable signal). */
  public static List<String> dciodvfyErrors(Path file) throws IOException, InterruptedException {
    List<String> errors = new ArrayList<>();
    for (String line : run(List.of("dciodvfy", file.toString())).split("\n")) {
      if (line.startsWith("Error")) errors.add(line);
    }
    return errors;
  }

  /** Runs a Python snippet with Debian's python3 (pydicom, numpy, nibabel); returns stdout, fails on a non-zero exit. */
  public static String python(String script, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "-c", script));
    cmd.addAll(List.of(args));
    return run(cmd).trim();
  }

  /** Runs a command-line tool (dcmtk, opj_compress, ...); returns its output, fails on a non-zero exit. */
  public static String tool(String... cmd) throws IOException, InterruptedException {
    return run(List.of(cmd));
  }

  /** Copies the image files (not the SEGs, label maps) of a shared folder into {@code to}. */
  public static void copyImages(String folder, Path to) throws IOException {
    try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(dicom(folder))) {
      for (Path p : s.filter(p -> p.toString().endsWith(".dcm") && !p.getFileName().toString().startsWith("seg")).sorted().toList()) {
        java.nio.file.Files.copy(p, to.resolve(p.getFileName()));
      }
    }
  }

  /** Each image of a shared folder run through a dcmtk converter (e.g. "dcmcjpls") into {@code to}. */
  public static void convertImages(String folder, Path to, String... tool) throws IOException, InterruptedException {
    java.nio.file.Files.createDirectories(to);
    try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(dicom(folder))) {
      for (Path p : s.filter(p -> p.toString().endsWith(".dcm") && !p.getFileName().toString().startsWith("seg")).sorted().toList()) {
        List<String> cmd = new ArrayList<>(List.of(tool));
        cmd.add(p.toString());
        cmd.add(to.resolve(p.getFileName()).toString());
        run(cmd);
      }
    }
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + cmd.get(0));
    }
    String s = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0 && !cmd.get(0).equals("dciodvfy")) throw new IOException(cmd.get(0) + " failed: " + s);
    return s;
  }
}
