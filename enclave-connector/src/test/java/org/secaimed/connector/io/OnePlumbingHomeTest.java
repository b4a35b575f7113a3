package org.secaimed.connector.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: shared plumbing has one home. Reads every module's production sources (text only) and
 * fails when a copy comes back: a hand-written atomic move, a SHA-256 helper, a second retry
 * policy, an exception classified by its class name, or a typed failure outside the root type.
 */
class OnePlumbingHomeTest {
  private static final Path ROOT = Path.of(System.getProperty("secaimed.repo.root", "..")).toAbsolutePath().normalize();
  private static Map<String, String> sources;

  @BeforeAll
  static void readSources() throws IOException {
    try (Stream<Path> modules = Files.list(ROOT)) {
      sources = new java.util.TreeMap<>();
      for (Path main : modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).toList()) {
        try (Stream<Path> files = Files.walk(main)) {
          files.filter(f -> f.toString().endsWith(".java")).forEach(f -> sources.put(ROOT.relativize(f).toString(), read(f)));
        }
      }
    }
    assertThat(sources).as("production sources under " + ROOT).hasSizeGreaterThan(100);
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Set<String> filesMatching(String regex) {
    Pattern p = Pattern.compile(regex);
    Set<String> hits = new TreeSet<>();
    sources.forEach((file, text) -> {
      if (p.matcher(text).find()) hits.add(file.substring(file.lastIndexOf('/') + 1));
    });
    return hits;
  }

  @Test
  void atomicMovesAreMadeOnlyByAtomicFiles() {
    assertThat(filesMatching("ATOMIC_MOVE")).containsExactly("AtomicFiles.java");
    assertThat(filesMatching("class SharedOutputFiles|static Path tempFor\\(")).isEmpty();
  }

  @Test
  void sha256IsInstantiatedOnlyByDigests() {
    assertThat(filesMatching("MessageDigest\\.getInstance\\(\"SHA-?256\"\\)")).containsExactly("Digests.java");
    assertThat(sources.keySet().stream().filter(f -> f.endsWith("/Sha256.java") || f.endsWith("/Digests.java")))
        .containsExactly("enclave-connector/src/main/java/org/secaimed/connector/io/Digests.java");
  }

  @Test
  void oneRetryPolicyAndOneRetryLoop() {
    assertThat(sources.keySet().stream().filter(f -> f.endsWith("/RetryPolicy.java") || f.endsWith("/RetryInterceptor.java")))
        .containsExactlyInAnyOrder("enclave-connector/src/main/java/org/secaimed/connector/io/RetryPolicy.java",
            "enclave-connector/src/main/java/org/secaimed/connector/io/RetryInterceptor.java");
  }

  @Test
  void failuresAreClassifiedByTypeNeverByClassName() {
    assertThat(filesMatching("getClass\\(\\)\\.getName\\(\\)\\.startsWith|getName\\(\\)\\.startsWith\\(\"org\\.secaimed")).isEmpty();
  }

  @Test
  void everyExceptionOfOursIsATypedFailure() {
    Pattern declaration = Pattern.compile("class (\\w+(?:Exception|Failure)) extends (\\w+)([^{]*)\\{");
    Set<String> roots = Set.of("GatewayException", "AttestationException"); // themselves SecaimedFailures
    List<String> untyped = new java.util.ArrayList<>();
    sources.forEach((file, text) -> {
      var m = declaration.matcher(text);
      while (m.find()) {
        if (!m.group(3).contains("SecaimedFailure") && !roots.contains(m.group(2))) untyped.add(m.group(1) + " in " + file);
      }
    });
    assertThat(untyped).isEmpty();
  }
}
