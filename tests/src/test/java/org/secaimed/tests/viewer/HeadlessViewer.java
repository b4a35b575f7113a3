package org.secaimed.tests.viewer;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The browser side of the viewer test: tests/viewer (npm project: Cornerstone3D adapters, dcmjs,
 * esbuild, playwright-core) run with Node.js against Debian's Chromium. One browser launch per call.
 *
 * <p>Without Chromium or the npm packages the test is skipped on a developer machine, but fails
 * under CI (SECAIMED_CI, which .ci/run sets, or CI): there scripts/setup must have installed them.
 */
final class HeadlessViewer {
  static final Path CHROMIUM = Path.of(System.getProperty("secaimed.chromium", "/usr/bin/chromium"));
  private static final long TIMEOUT_SECONDS = 120;

  private HeadlessViewer() {}

  static Path project() {
    return Path.of(System.getProperty("secaimed.repo.root", "..")).resolve("tests/viewer").toAbsolutePath().normalize();
  }

  /** Skips (developer machine) or fails (CI) when the browser or the npm packages are missing. */
  static void requireTools() {
    String missing = null;
    if (!Files.isExecutable(CHROMIUM)) missing = CHROMIUM + " (apt package chromium)";
    else if (!Files.isDirectory(project().resolve("node_modules/playwright-core"))) missing = "npm packages in tests/viewer (npm ci)";
    else if (!onPath("node")) missing = "node";
    if (missing == null) return;
    if (System.getenv("SECAIMED_CI") != null || System.getenv("CI") != null) fail("the viewer test needs " + missing + ": scripts/setup installs it");
    assumeTrue(false, "skipped: needs " + missing + "; run scripts/setup");
  }

  /** Bundles the page into {@code webRoot}, opens {@code url}, returns the page's results. */
  static JsonNode run(Path webRoot, String url, Path screenshot) throws IOException, InterruptedException {
    Path log = webRoot.resolve("browser.log"), results = webRoot.resolve("results.json");
    Process p = new ProcessBuilder(List.of("node", project().resolve("run.mjs").toString(),
        "--out", webRoot.toString(), "--url", url, "--screenshot", screenshot.toString(), "--chromium", CHROMIUM.toString()))
        .redirectError(log.toFile())
        .redirectOutput(results.toFile())
        .start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("browser run timed out after " + TIMEOUT_SECONDS + " s; see " + log);
    }
    if (p.exitValue() != 0) fail("browser run failed (exit " + p.exitValue() + "): " + Files.readString(log));
    return new ObjectMapper().readTree(Files.readString(results, StandardCharsets.UTF_8));
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) return true;
    }
    return false;
  }
}
