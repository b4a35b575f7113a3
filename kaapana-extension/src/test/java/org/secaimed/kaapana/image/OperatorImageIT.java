package org.secaimed.kaapana.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator image tar that profile {@code image} builds (failsafe runs this after
 * {@code package}): Kaapana's labels, the entrypoint, a runnable JRE in the layers, and a real
 * start of {@code secaimed kaapana run --check} inside the unpacked image (chroot, no engine).
 */
class OperatorImageIT {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path work;
  static Path root;
  static JsonNode config;

  @BeforeAll
  static void unpack() throws Exception {
    Path tar = Path.of(System.getProperty("secaimed.image.tar", "target/secaimed-operator.tar"));
    assertThat(tar).as("image tar (built in package by profile image)").isRegularFile();
    Path x = Files.createDirectories(work.resolve("tar"));
    run(List.of("tar", "-xf", tar.toString(), "-C", x.toString()), Map.of());
    JsonNode manifest = JSON.readTree(x.resolve("manifest.json").toFile()).get(0);
    config = JSON.readTree(x.resolve(manifest.path("Config").asText()).toFile());
    root = Files.createDirectories(work.resolve("root"));
    for (JsonNode layer : manifest.path("Layers")) {
      run(List.of("tar", "-xzf", x.resolve(layer.asText()).toString(), "-C", root.toString()), Map.of());
    }
  }

  @Test
  void isTaggedAsTheDagPullsIt() throws IOException {
    Path tar = Path.of(System.getProperty("secaimed.image.tar", "target/secaimed-operator.tar"));
    Path x = work.resolve("tar");
    JsonNode manifest = JSON.readTree(x.resolve("manifest.json").toFile()).get(0);
    String expected = System.getProperty("secaimed.image.ref");
    // dags/files/secaimed/SecaimedOperator.py: image=f"{DEFAULT_REGISTRY}/secaimed-operator:{KAAPANA_BUILD_VERSION}"
    assertThat(expected).matches("[^/]+(/[^/]+)*/secaimed-operator:[0-9][0-9A-Za-z._-]*");
    assertThat(manifest.path("RepoTags").get(0).asText()).as(tar.toString()).isEqualTo(expected);
  }

  @Test
  void carriesKaapanasLabelsAndTheOperatorEntrypoint() {
    JsonNode labels = config.at("/config/Labels");
    assertThat(labels.path("IMAGE").asText()).isEqualTo("secaimed-operator");
    assertThat(labels.path("VERSION").asText()).isNotBlank();
    assertThat(labels.path("BUILD_IGNORE").asText()).isEqualTo("False");
    List<String> entrypoint = new ArrayList<>();
    config.at("/config/Entrypoint").forEach(n -> entrypoint.add(n.asText()));
    assertThat(entrypoint).startsWith("/opt/java/bin/java").endsWith("org.secaimed.kaapana.cli.SecaimedCli", "kaapana", "run");
  }

  @Test
  void isDistrolessWithAnExecutableJre() throws IOException {
    assertThat(root.resolve("bin/sh")).doesNotExist();
    assertThat(Files.getPosixFilePermissions(root.resolve("opt/java/bin/java"))).contains(PosixFilePermission.OTHERS_EXECUTE);
    assertThat(Files.getPosixFilePermissions(root.resolve("lib64/ld-linux-x86-64.so.2"))).contains(PosixFilePermission.OWNER_EXECUTE);
    assertThat(root.resolve("app/classes/org/secaimed/kaapana/cli/SecaimedCli.class")).isRegularFile();
  }

  /** Issue #13: a site's image carries neither the enclave server nor Javalin/Jetty nor the dev tooling. */
  @Test
  void carriesNoEnclaveServerNoJettyAndNoDevTooling() throws IOException {
    List<String> libs;
    try (java.util.stream.Stream<Path> s = Files.list(root.resolve("app/libs"))) {
      libs = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(libs).anyMatch(n -> n.startsWith("enclave-connector-"))
        .noneMatch(n -> n.startsWith("enclave-server-") || n.startsWith("dev-tools-") || n.startsWith("dev-enclave-")
            || n.startsWith("javalin-") || n.startsWith("jetty-") || n.startsWith("websocket-"));
    assertThat(root.resolve("app/classes/org/secaimed/devtools")).doesNotExist();
    assertThat(root.resolve("app/classes/org/secaimed/kaapana/demo")).doesNotExist();
    assertThat(root.resolve("app/classes/org/secaimed/kaapana/cli/DemoCommand.class")).doesNotExist();
    assertThat(root.resolve("app/classes/org/secaimed/kaapana/cli/BenchCommand.class")).doesNotExist();
  }

  @Test
  void theEntrypointChecksAKaapanaEnvironmentInsideTheImage() throws Exception {
    boolean canChroot = "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/unshare"));
    assumeTrue(canChroot, "needs root and unshare to chroot into the unpacked image");
    Path run = Files.createDirectories(root.resolve("kaapana/mounted/data/r1/conf"));
    Files.writeString(run.resolve("conf.json"), """
        {"data_form": {"identifiers": ["1.2.3.4"], "dataset_name": "phantoms"},
         "workflow_form": {"algorithm": "organ-seg"}, "project_form": {"id": "p1", "name": "admin"}}""");
    Files.createDirectories(root.resolve("proc"));
    Files.createDirectories(root.resolve("kaapana/app"));

    List<String> entrypoint = new ArrayList<>();
    config.at("/config/Entrypoint").forEach(n -> entrypoint.add(n.asText()));
    List<String> inImage = new ArrayList<>(entrypoint);
    inImage.add("--check");
    inImage.add("--json");
    String script = "mount -t proc proc " + root + "/proc && exec chroot " + root + " " + String.join(" ", inImage.stream().map(a -> "'" + a + "'").toList());
    String out = run(List.of("unshare", "--mount", "--pid", "--fork", "sh", "-c", script), Map.of(
        "RUN_ID", "r1", "DAG_ID", "enclave-segmentation", "WORKFLOW_DIR", "/kaapana/mounted/data/r1",
        "OPERATOR_OUT_DIR", "secaimed-segmentation", "SECAIMED_TASK_KIND", "segmentation",
        "KEYCLOAK_URL", "http://keycloak-external-service.admin.svc:80",
        "DICOM_WEB_FILTER_URL", "http://dicom-web-filter-service.services.svc:8080",
        "SECAIMED_SITE_CONFIG", "{\"profiles\":{\"default\":{\"gateway_url\":\"https://enclave.example.org\",\"policy\":\"policyVersion: 1\\nallowInsecureDevEnclave: false\\n\"}}}",
        "SECAIMED_SITE_KEY", org.secaimed.connector.seal.KemKeys.privateKeyJson(
            org.secaimed.connector.seal.KemKeyPair.generate(org.secaimed.connector.seal.HpkeSuite.DEFAULT))));
    JsonNode j = JSON.readTree(out.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow(() -> new AssertionError(out)));
    assertThat(j.path("ok").asBoolean()).isTrue();
    assertThat(j.path("callingAeTitle").asText()).isEqualTo("kp-phantoms");
    assertThat(j.path("gatewayUrl").asText()).isEqualTo("https://enclave.example.org/");
  }

  static String run(List<String> cmd, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + cmd);
    }
    assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    return out;
  }
}
