package org.secaimed.tests.kaapana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.AnnotatedMethod;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secaimed workflow chart with real Helm (helm-java embeds Helm 3) and Kaapana 0.6.0's REAL
 * {@code dag-installer-chart} (../shared/kaapana) as its subchart, rendered with the globals
 * kube-helm passes (platform values and the extension params as {@code global.<name>}): strict
 * lint, values.schema.json enforced, every manifest parsed strictly into the Kubernetes model
 * (unknown fields fail), then Kaapana specifics asserted.
 */
class WorkflowChartTest {
  @TempDir static Path work;
  static Path chart;
  static final ObjectMapper JSON = new ObjectMapper();

  /** fabric8's models keep unknown fields in additionalProperties; switch that off. */
  static final ObjectMapper STRICT = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean hasAnySetter(Annotated a) {
          return Boolean.FALSE;
        }

        @Override
        @SuppressWarnings("deprecation")
        public boolean hasAnySetterAnnotation(AnnotatedMethod am) {
          return false;
        }
      });
  static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of("Job", Job.class, "Secret", Secret.class);

  /** What kube-helm sets on every extension install (a subset of the platform's global values). */
  static TemplateCommand platform(TemplateCommand t) {
    return t.set("global.registry_url", "registry.hospital.example/kaapana")
        .set("global.kaapana_build_version", "0.6.0")
        .set("global.services_namespace", "services")
        .set("global.admin_namespace", "admin")
        .set("global.main_node_name", "kaapana-main")
        .set("global.pull_policy_images", "IfNotPresent");
  }

  @BeforeAll
  static void assembleTheChartWithKaapanasDagInstaller() throws IOException {
    Path root = Path.of(System.getProperty("secaimed.repo.root", ".."));
    chart = work.resolve("secaimed-workflow");
    copyTree(root.resolve("charts/secaimed-workflow"), chart);
    // what scripts/kaapana-extension does before packaging, and Kaapana's build by name
    copyTree(root.resolve("../shared/kaapana/0.6.0/services/utils/dag-installer-chart").normalize(),
        chart.resolve("charts/dag-installer-chart"));
  }

  @Test
  void declaresKaapanasRealDagInstallerAndNoStandIn() throws IOException {
    Path root = Path.of(System.getProperty("secaimed.repo.root", ".."));
    assertThat(root.resolve("charts/dag-installer-chart")).doesNotExist();
    String requirements = Files.readString(root.resolve("charts/secaimed-workflow/requirements.yaml"));
    assertThat(requirements).contains("name: dag-installer-chart").contains("version: 0.0.0");
    String chartYaml = Files.readString(root.resolve("charts/secaimed-workflow/Chart.yaml"));
    assertThat(chartYaml).contains("apiVersion: v1").contains("version: \"0.0.0\"").contains("- kaapanaworkflow")
        .contains("documentation:");
  }

  @Test
  void lintsCleanInStrictMode() {
    LintResult lint = new Helm(chart).lint().strict().call();
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void theRealCopyJobGetsWhatKaapanasBaseInstallerNeeds() throws IOException {
    List<HasMetadata> objects = render(t -> t);
    assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName())
        // helm-java's template leaves hooks out (the pre-delete removal Job); lint renders and checks them.
        .containsExactlyInAnyOrder("Job/services/dag-secaimed", "Secret/services/secaimed-config");
    Job copy = (Job) objects.stream().filter(o -> o.getMetadata().getName().equals("dag-secaimed")).findFirst().orElseThrow();
    var pod = copy.getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getImage()).isEqualTo("registry.hospital.example/kaapana/dag-secaimed:0.0.0");
    Map<String, String> env = new java.util.TreeMap<>();
    pod.getContainers().get(0).getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
    // base-installer run.py exits 1 without the last four (dags/tests/test_base_installer.py runs it)
    assertThat(env).containsEntry("ACTION", "copy").containsEntry("KAAPANA_BUILD_VERSION", "0.6.0")
        .containsEntry("KAAPANA_DEFAULT_REGISTRY", "registry.hospital.example/kaapana")
        .containsEntry("ADMIN_NAMESPACE", "admin").containsEntry("SERVICES_NAMESPACE", "services")
        .containsEntry("DOCKER_VERSION", "0.0.0");
    assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/hostname", "kaapana-main");
    assertThat(pod.getInitContainers()).extracting(c -> c.getImage()).containsExactly("registry.hospital.example/kaapana/service-checker:0.6.0");
  }

  @Test
  void theExtensionParamsBecomeTheSitesConfiguration() throws IOException {
    JsonNode defaults = siteConfig(render(t -> t));
    assertThat(defaults.path("profiles").path("default").path("gateway_url").asText()).isEqualTo("https://enclave-gateway.invalid");
    assertThat(defaults.path("profiles").path("default").path("policy").asText()).contains("allowInsecureDevEnclave: false");
    assertThat(defaults.has("default_algorithm")).isFalse();

    Path values = work.resolve("site-values.yaml");
    Files.writeString(values, """
        secaimed:
          policies:
            production: |
              allowInsecureDevEnclave: false
              measurements: [ab12]
            research: "allowInsecureDevEnclave: false"
          gateways:
            research: {url: "https://enclave-research.eu.example", policy: research}
          siteKeys: {create: false}
        """);
    // as kube-helm passes what the admin typed on the Extensions page
    JsonNode site = siteConfig(render(t -> t.withValuesFile(values).set("global.secaimed_gateway_url", "https://enclave.eu.example")
        .set("global.secaimed_policy", "production").set("global.secaimed_default_algorithm", "ct-body-lungs-bone")));
    assertThat(site.path("profiles").path("default").path("gateway_url").asText()).isEqualTo("https://enclave.eu.example");
    assertThat(site.path("profiles").path("default").path("policy").asText()).contains("measurements: [ab12]");
    assertThat(site.path("profiles").path("research").path("gateway_url").asText()).isEqualTo("https://enclave-research.eu.example");
    assertThat(site.path("default_algorithm").asText()).isEqualTo("ct-body-lungs-bone");
  }

  /** An air-gapped site or a KDS/PCS mirror is set once in the chart; the operator reads it from site-config.json. */
  @Test
  void theSitesCollateralSettingsReachTheSiteConfiguration() throws IOException {
    assertThat(siteConfig(render(t -> t)).path("collateral").path("offline").asBoolean(true)).isFalse();
    assertThat(siteConfig(render(t -> t)).path("collateral").has("kds_url")).isFalse();
    JsonNode site = siteConfig(render(t -> t.set("secaimed.collateral.offline", "true")
        .set("secaimed.collateral.kdsUrl", "https://kds-mirror.hospital.example")
        .set("secaimed.collateral.pcsUrl", "https://pcs-mirror.hospital.example")));
    assertThat(site.path("collateral").path("offline").asBoolean(false)).isTrue();
    assertThat(site.path("collateral").path("kds_url").asText()).isEqualTo("https://kds-mirror.hospital.example");
    assertThat(site.path("collateral").path("pcs_url").asText()).isEqualTo("https://pcs-mirror.hospital.example");
    assertThat(site.path("collateral").has("intel_root_crl_url")).isFalse();
    assertSchemaRejects(t -> t.set("secaimed.collateral.kdsUrl", "ftp://kds.example"));
    assertSchemaRejects(t -> t.set("secaimed.collateral.kdsURL", "https://kds.example"));
  }

  @Test
  void demoSiteKeySecretIsKeptOnUninstall() throws IOException {
    List<HasMetadata> objects = render(t -> t.set("secaimed.siteKeys.create", "true")
        .set("secaimed.siteKeys.namespaces[0]", "project-admin").set("secaimed.siteKeys.siteKeyJson", "{\"kty\":\"demo\"}"));
    Secret keys = secret(objects, "project-admin", "secaimed-site-keys");
    assertThat(new String(Base64.getDecoder().decode(keys.getData().get("site-key.json")), StandardCharsets.UTF_8))
        .isEqualTo("{\"kty\":\"demo\"}");
    assertThat(keys.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
  }

  @Test
  void valuesSchemaAndTemplatesRejectWhatWouldMisconfigureTheSite() {
    assertSchemaRejects(t -> t.set("global.secaimed_gateway_url", "ftp://enclave.example"));
    assertSchemaRejects(t -> t.set("secaimed.gateways.Bad_Name.url", "https://x.example").set("secaimed.gateways.Bad_Name.policy", "production"));
    assertSchemaRejects(t -> t.set("secaimed.siteKeys.create", "true"));
    assertSchemaRejects(t -> t.set("secaimed.gatewayUrl", "https://typo.example"));
    assertSchemaRejects(t -> t.set("global.image", "dag-something-else"));
    assertThatThrownBy(() -> render(t -> t.set("global.secaimed_policy", "lenient"))).hasMessageContaining("not one of secaimed.policies");
  }

  @Test
  void aPolicyAdmittingTheDevEnclaveNeedsAnExplicitAcknowledgement() throws IOException {
    UnaryOperator<TemplateCommand> dev = t -> t.set("secaimed.policies.dev", "allowInsecureDevEnclave: true")
        .set("global.secaimed_policy", "dev").set("global.secaimed_gateway_url", "http://127.0.0.1:8443");
    assertThatThrownBy(() -> render(dev)).hasMessageContaining("INSECURE dev enclave");
    JsonNode site = siteConfig(render(t -> dev.apply(t).set("secaimed.acknowledgeInsecureDevEnclave", "true")));
    assertThat(site.path("profiles").path("default").path("gateway_url").asText()).isEqualTo("http://127.0.0.1:8443");
  }

  private static JsonNode siteConfig(List<HasMetadata> objects) throws IOException {
    return JSON.readTree(secret(objects, "services", "secaimed-config").getStringData().get("site-config.json"));
  }

  @Test
  void theStrictParseCatchesAFieldKubernetesDoesNotHave() {
    String typo = """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: x}
        spec:
          template:
            spec:
              containers: [{name: c, image: i, containerPrt: 80}]
        """;
    assertThatThrownBy(() -> parse(typo)).hasMessageContaining("containerPrt");
  }

  private static void assertSchemaRejects(UnaryOperator<TemplateCommand> values) {
    assertThatThrownBy(() -> render(values)).hasMessageContaining("values don't meet the specifications of the schema");
  }

  static List<HasMetadata> render(UnaryOperator<TemplateCommand> configure) throws IOException {
    String out = configure.apply(platform(new Helm(chart).template().withName("secaimed").withNamespace("admin"))).call();
    return parse(out);
  }

  static List<HasMetadata> parse(String multiDoc) throws IOException {
    List<HasMetadata> objects = new ArrayList<>();
    for (String doc : multiDoc.split("(?m)^---\\s*$")) {
      String body = doc.lines().filter(l -> !l.startsWith("#")).reduce("", (a, b) -> a + b + "\n");
      if (body.isBlank()) continue;
      String kind = STRICT.readTree(body).path("kind").asText();
      Class<? extends HasMetadata> type = KINDS.get(kind);
      assertThat(type).as("unexpected kind " + kind).isNotNull();
      objects.add(STRICT.readValue(body, type));
    }
    return objects;
  }

  static Secret secret(List<HasMetadata> objects, String namespace, String name) {
    return (Secret) objects.stream().filter(o -> o instanceof Secret && name.equals(o.getMetadata().getName())
        && namespace.equals(o.getMetadata().getNamespace())).findFirst()
        .orElseThrow(() -> new AssertionError("no Secret " + namespace + "/" + name));
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(target);
        else Files.copy(p, target);
      }
    }
  }
}
