package org.secaimed.kaapana.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.dicom.pipeline.CohortOutcome;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** The training/evaluation report written through the S3 API into a real S3 server (s3proxy, in memory). */
class TaskReportS3Test {
  static S3Proxy s3;
  static BlobStore store;
  static HttpUrl endpoint;
  @TempDir static Path tmp;

  @BeforeAll
  static void startS3() throws Exception {
    BlobStoreContext ctx = ContextBuilder.newBuilder("transient").credentials("x", "y").overrides(new Properties())
        .build(BlobStoreContext.class);
    store = ctx.getBlobStore();
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    s3 = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:" + port))
        .awsAuthentication(AuthenticationType.AWS_V4, "minio-access", "minio-secret").build();
    s3.start();
    while (!AbstractLifeCycle.STARTED.equals(s3.getState())) Thread.sleep(10);
    endpoint = HttpUrl.get("http://127.0.0.1:" + port);
  }

  @AfterAll
  static void stopS3() throws Exception {
    if (s3 != null) s3.stop();
  }

  static CohortOutcome outcome() throws Exception {
    Path receipt = Files.writeString(tmp.resolve("receipt.json"), "{\"taskId\":\"t-9\",\"logIndex\":42}");
    return new CohortOutcome("training", "t-9", "organ-seg", List.of("1.2.3", "1.2.4"), List.of("b1", "b2"), "model-3f2a",
        "sha256:ab12", Map.of("dice", 0.91, "loss", 0.12), 42, receipt, null, List.of());
  }

  @Test
  void theReportLandsInTheProjectsBucketUnderStaticWebsiteResults() throws Exception {
    S3ObjectWriter writer = new S3ObjectWriter(new OkHttpClient(), endpoint, AwsCredentialsIdentity.create("minio-access", "minio-secret"));
    writer.createBucket("project-alpha");
    TaskReport report = new TaskReport("enclave-training-251206230000000000", "enclave-training", "alpha", outcome());
    String folder = report.publish(writer, "project-alpha");

    assertThat(folder).isEqualTo("staticwebsiteresults/secaimed/enclave-training-251206230000000000/");
    JsonNode json = new ObjectMapper().readTree(store.getBlob("project-alpha", folder + "report.json").getPayload().openStream());
    assertThat(json.path("modelId").asText()).isEqualTo("model-3f2a");
    assertThat(json.path("metrics").path("dice").asDouble()).isEqualTo(0.91);
    assertThat(json.path("logIndex").asLong()).isEqualTo(42);
    assertThat(json.path("receipt").path("taskId").asText()).isEqualTo("t-9");
    assertThat(json.path("seriesCount").asInt()).isEqualTo(2);
    assertThat(json.toString()).doesNotContain("1.2.3"); // series are counted, not listed
    var html = store.getBlob("project-alpha", folder + "index.html");
    assertThat(html.getMetadata().getContentMetadata().getContentType()).startsWith("text/html");
    assertThat(new String(html.getPayload().openStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("model-3f2a").contains("<td>dice</td><td>0.91</td>").contains("42");
  }

  @Test
  void wrongCredentialsAreRefusedByTheServerAndNamed() {
    S3ObjectWriter writer = new S3ObjectWriter(new OkHttpClient(), endpoint, AwsCredentialsIdentity.create("minio-access", "wrong"));
    assertThatThrownBy(() -> writer.put("project-alpha", "staticwebsiteresults/x.json", new byte[] {1}, "application/json"))
        .hasMessageContaining("HTTP 403");
  }

  @Test
  void htmlEscapesWhatComesFromTheEnclave() {
    assertThat(TaskReport.esc("<script>\"x\"&'")).isEqualTo("&lt;script&gt;&quot;x&quot;&amp;&#39;");
  }
}
