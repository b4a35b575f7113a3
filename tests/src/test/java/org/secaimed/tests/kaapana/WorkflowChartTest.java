package org.secaimed.tests.kaapana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
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
 * The secaimed workflow chart with real Helm (helm-java embeds Helm 3): strict lint, rendering
 * with values.schema.json enforced, and every rendered manifest parsed strictly into the
 * Kubernetes model (unknown fields fail), then Kaapana specifics asserted.
 */
class WorkflowChartTest {
  @TempDir static Path work;
  static Path chart;

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

  @BeforeAll
  static void copyChartsAndResolveTheDependency() throws IOException {
    Path charts = Path.of(System.getProperty("secaimed.repo.root", "..")).resolve("charts");
    copyTree(charts, work.resolve("charts"));
    chart = work.resolve("charts/secaimed-workflow");
    new Helm(chart).dependency().update().skipRefresh().call();
  }

  @Test
  void lintsCleanInStrictMode() {
    LintResult lint = new Helm(chart).lint().strict().call();
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void defaultsRenderTheDagInstallerJobsAndOneConfigSecret() throws IOException {
    List<HasMetadata> objects = render(t -> t);
    assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName())
        // helm-java's template leaves hooks out (the pre-delete removal Job); lint renders and checks them.
        .containsExactlyInAnyOrder("Job/services/dag-secaimed", "Secret/project-admin/secaimed-config");
    Job copy = (Job) objects.stream().filter(o -> o.getMetadata().getName().equals("dag-secaimed")).findFirst().orElseThrow();
    assertThat(copy.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.kaapana.invalid/kaapana/dag-secaimed:0.0.0");
    assertThat(copy.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue()).isEqualTo("ACTION=copy"));
    Secret config = secret(objects, "project-admin", "secaimed-config");
    assertThat(config.getStringData()).containsOnlyKeys("default.gateway-url", "default.policy.yaml");
    assertThat(config.getStringData().get("default.gateway-url")).isEqualTo("https://enclave-gateway.invalid");
    assertThat(config.getStringData().get("default.policy.yaml")).contains("allowInsecureDevEnclave: false");
  }

  @Test
  void profilesAndNamespacesFromValues() throws IOException {
    Path values = work.resolve("site-values.yaml");
    Files.writeString(values, """
        global:
          registry_url: registry.hospital.example/kaapana
          custom_registry_url: registry.vendor.example/secaimed
        secaimed:
          projectNamespaces: [project-radiology, project-oncology]
          gateways:
            default:
              url: https://enclave.eu.example
              policy: |
                allowInsecureDevEnclave: false
                measurements: [ab12]
            research:
              url: https://enclave-research.eu.example
              policy: "allowInsecureDevEnclave: false"
          siteKeys:
            create: false
        """);
    List<HasMetadata> objects = render(t -> t.withValuesFile(values));
    for (String ns : List.of("project-radiology", "project-oncology")) {
      Secret s = secret(objects, ns, "secaimed-config");
      assertThat(s.getStringData()).containsOnlyKeys("default.gateway-url", "default.policy.yaml",
          "research.gateway-url", "research.policy.yaml");
      assertThat(s.getStringData().get("default.policy.yaml")).contains("measurements: [ab12]");
    }
    Job copy = (Job) objects.stream().filter(o -> o.getMetadata().getName().equals("dag-secaimed")).findFirst().orElseThrow();
    assertThat(copy.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.vendor.example/secaimed/dag-secaimed:0.0.0");
  }

  @Test
  void demoSiteKeySecretIsKeptOnUninstall() throws IOException {
    List<HasMetadata> objects = render(t -> t.set("secaimed.siteKeys.create", "true")
        .set("secaimed.siteKeys.siteKeyJson", "{\"kty\":\"demo\"}"));
    Secret keys = secret(objects, "project-admin", "secaimed-site-keys");
    assertThat(new String(Base64.getDecoder().decode(keys.getData().get("site-key.json")), StandardCharsets.UTF_8))
        .isEqualTo("{\"kty\":\"demo\"}");
    assertThat(keys.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
  }

  @Test
  void valuesSchemaRejectsWhatWouldMisconfigureTheSite() {
    assertSchemaRejects(t -> t.set("secaimed.gateways.default.url", "ftp://enclave.example"));
    assertSchemaRejects(t -> t.set("secaimed.gateways.Bad_Name.url", "https://x.example").set("secaimed.gateways.Bad_Name.policy", "p"));
    assertSchemaRejects(t -> t.set("secaimed.projectNamespaces[0]", "kube-system"));
    assertSchemaRejects(t -> t.set("secaimed.siteKeys.create", "true"));
    assertSchemaRejects(t -> t.set("secaimed.gatewayUrl", "https://typo.example"));
    assertSchemaRejects(t -> t.set("global.image", "dag-something-else"));
  }

  @Test
  void aProfileAdmittingTheDevEnclaveNeedsAnExplicitAcknowledgement() throws IOException {
    UnaryOperator<TemplateCommand> dev = t -> t.set("secaimed.gateways.dev.url", "http://127.0.0.1:8443")
        .set("secaimed.gateways.dev.policy", "allowInsecureDevEnclave: true");
    assertThatThrownBy(() -> render(dev)).hasMessageContaining("INSECURE dev enclave");
    List<HasMetadata> objects = render(t -> dev.apply(t).set("secaimed.acknowledgeInsecureDevEnclave", "true"));
    assertThat(secret(objects, "project-admin", "secaimed-config").getStringData()).containsKey("dev.gateway-url");
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
    String out = configure.apply(new Helm(chart).template().withName("secaimed").withNamespace("admin")).call();
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
        Path rel = from.relativize(p);
        if (rel.toString().contains("charts/") && rel.getNameCount() > 2 && rel.getName(1).toString().equals("charts")) continue;
        Path target = to.resolve(rel.toString());
        if (Files.isDirectory(p)) Files.createDirectories(target);
        else Files.copy(p, target);
      }
    }
  }
}
