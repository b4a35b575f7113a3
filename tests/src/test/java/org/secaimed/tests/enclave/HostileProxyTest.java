package org.secaimed.tests.enclave;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.gateway.AttestationRefusedException;
import org.secaimed.connector.gateway.AttestedEnclave;
import org.secaimed.connector.gateway.GatewayException;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.gateway.ResultVerificationException;
import org.secaimed.connector.gateway.SubmittedTask;
import org.secaimed.connector.gateway.TaskSpec;
import org.secaimed.connector.gateway.VerifiedResult;
import org.secaimed.connector.receipt.DsseEnvelope;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.tlog.Checkpoint;
import org.secaimed.connector.tlog.Ed25519;
import org.secaimed.connector.tlog.LogHashes;
import org.secaimed.connector.tlog.MerkleTree;
import org.secaimed.connector.tlog.SignedCheckpoints;

/**
 * Issue #4 acceptance 3: a hostile proxy (WireMock) between the site and the real dev enclave
 * alters, truncates or swaps the result, the receipt, a proof or the checkpoint, forks the log, or
 * replays an old attestation. Every attack is caught with a typed error, and nothing is opened
 * or written: no sealed copy stays in the work folder and the stored checkpoint is unchanged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileProxyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  private EnclaveFixture f;
  private WireMockServer proxy;
  private GatewaySession site;
  private AttestedEnclave attested;
  private final KemKeyPair siteKey = KemKeyPair.generate(HpkeSuite.X25519);
  private SubmittedTask taskA;
  private SubmittedTask taskB;
  private String checkpointAfterA;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void setUp() throws Exception {
    f = new EnclaveFixture(tmp);
    proxy = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
    proxy.start();
    proxy.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(f.enclave.baseUrl())));
    site = f.session(proxy.baseUrl(), "policies/dev.yaml").build();
    attested = site.attest();
    EnclaveFixture.UploadedStudy study = EnclaveFixture.uploadPhantom(site, attested, EnclaveFixture.phantom(64, 6, 5));
    var alg = EnclaveFixture.algorithm(site, "ct-body-lungs-bone");
    taskA = site.submit(attested, new TaskSpec("segmentation", alg, List.of(study.blob().blobId()), Map.of(), Map.of()),
        siteKey.publicKey(), "hostile-task-a");
    site.await(taskA, Duration.ofMinutes(1), null);
    try (VerifiedResult r = site.fetchVerified(attested, taskA)) {
      assertThat(r.openAll(siteKey)).isNotEmpty();
    }
    checkpointAfterA = raw("/v1/log/checkpoint");
    taskB = site.submit(attested, new TaskSpec("segmentation", alg, List.of(study.blob().blobId()), Map.of("bodyHu", "-400"), Map.of()),
        siteKey.publicKey(), "hostile-task-b");
    site.await(taskB, Duration.ofMinutes(1), null);
    try (VerifiedResult r = site.fetchVerified(attested, taskB)) {
      assertThat(r.bundle().consistency()).isNotNull();
    }
  }

  @AfterAll
  void tearDown() {
    if (proxy != null) proxy.stop();
    if (f != null) f.close();
  }

  private String raw(String path) throws Exception {
    return new String(rawBytes(path), StandardCharsets.UTF_8);
  }

  /** The enclave's genuine answer, fetched directly and signed as the site (task reads are the submitter's only). */
  private byte[] rawBytes(String path) throws Exception {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(f.enclave.baseUrl() + path));
    if (org.secaimed.connector.party.SignedRequests.covers("GET", path)) {
      req.header(org.secaimed.connector.party.SignedRequests.HEADER, org.secaimed.connector.party.SignedRequests.sign(
          org.secaimed.connector.party.PartyKey.derivedFrom(f.siteKeys), "GET", path, new byte[0],
          org.secaimed.connector.receipt.Receipts.keyId(attested.signingKey()), java.time.Instant.now()));
    }
    HttpResponse<byte[]> r = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** Runs fetchVerified with one response replaced and expects a typed failure with nothing left behind. */
  private void caught(MappingBuilder attack, String expectedStep) throws Exception {
    StubMapping stub = proxy.stubFor(attack.atPriority(1));
    String storedBefore = storedCheckpoints();
    try {
      assertThatThrownBy(() -> site.fetchVerified(attested, taskA))
          .isInstanceOfSatisfying(ResultVerificationException.class, e -> assertThat(e.step()).isEqualTo(expectedStep));
    } finally {
      proxy.removeStub(stub);
    }
    try (Stream<Path> left = Files.list(tmp.resolve("site/work"))) {
      assertThat(left).as("no sealed copy left behind").isEmpty();
    }
    assertThat(storedCheckpoints()).as("stored checkpoint unchanged").isEqualTo(storedBefore);
  }

  /** Every checkpoint in the site's store (one per log origin), in one string. */
  private String storedCheckpoints() throws Exception {
    try (Stream<Path> files = Files.list(tmp.resolve("site/checkpoints"))) {
      StringBuilder all = new StringBuilder();
      for (Path p : files.filter(p -> p.toString().endsWith(".checkpoint")).sorted().toList()) all.append(Files.readString(p));
      assertThat(all).as("a stored checkpoint").isNotEmpty();
      return all.toString();
    }
  }

  private static MappingBuilder octets(String path, byte[] body) {
    return get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/octet-stream").withBody(body));
  }

  private static MappingBuilder json(String path, String body) {
    return get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body));
  }

  private static MappingBuilder text(String path, String body) {
    return get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/plain").withBody(body));
  }

  private String resultPath(SubmittedTask t) {
    return "/v1/tasks/" + t.taskId() + "/result";
  }

  private String receiptPath(SubmittedTask t) {
    return "/v1/tasks/" + t.taskId() + "/receipt";
  }

  @Test
  void alteredTruncatedOrSwappedResultsAreCaught() throws Exception {
    byte[] honest = rawBytes(resultPath(taskA));
    byte[] flipped = honest.clone();
    flipped[flipped.length / 2] ^= 0x01;
    caught(octets(resultPath(taskA), flipped), "receipt");
    caught(octets(resultPath(taskA), Arrays.copyOf(honest, honest.length - 100)), "receipt");
    caught(octets(resultPath(taskA), rawBytes(resultPath(taskB))), "receipt");
  }

  @Test
  void alteredOrSwappedReceiptsAreCaught() throws Exception {
    ObjectNode receipt = (ObjectNode) JSON.readTree(raw(receiptPath(taskA)));
    ObjectNode env = (ObjectNode) receipt.get("envelope");
    String payload = new String(Base64.getDecoder().decode(env.get("payload").asText()), StandardCharsets.UTF_8);
    env.put("payload", Base64.getEncoder().encodeToString(payload.replace("\"kind\":\"segmentation\"", "\"kind\":\"evaluation\"")
        .getBytes(StandardCharsets.UTF_8)));
    caught(json(receiptPath(taskA), JSON.writeValueAsString(receipt)), "receipt");
    caught(json(receiptPath(taskA), raw(receiptPath(taskB))), "receipt");
  }

  @Test
  void alteredInclusionProofsAreCaught() throws Exception {
    // Leaves: use A, receipt A (index 1), use B, receipt B (index 3).
    ObjectNode honest = (ObjectNode) JSON.readTree(raw("/v1/log/proof/inclusion?leafIndex=1&treeSize=4"));
    ObjectNode flipped = honest.deepCopy();
    byte[] h = Base64.getDecoder().decode(flipped.get("hashes").get(0).asText());
    h[0] ^= 1;
    ((ArrayNode) flipped.get("hashes")).set(0, Base64.getEncoder().encodeToString(h));
    caught(json("/v1/log/proof/inclusion", JSON.writeValueAsString(flipped)), "inclusion");
    // The proof of the other leaf: valid for the log, but not for this receipt.
    caught(json("/v1/log/proof/inclusion", raw("/v1/log/proof/inclusion?leafIndex=3&treeSize=4")), "inclusion");
    ObjectNode empty = honest.deepCopy();
    empty.putArray("hashes");
    caught(json("/v1/log/proof/inclusion", JSON.writeValueAsString(empty)), "inclusion");
  }

  @Test
  void alteredForgedOrRolledBackCheckpointsAreCaught() throws Exception {
    String honest = raw("/v1/log/checkpoint");
    // The log holds 4 leaves: each task's input use (logged before opening) and its receipt.
    caught(text("/v1/log/checkpoint", honest.replaceFirst("\n4\n", "\n5\n")), "checkpoint");
    KeyPair other = Ed25519.generate();
    String origin = honest.substring(0, honest.indexOf('\n'));
    Checkpoint parsed = Checkpoint.parseBody(honest.substring(0, honest.indexOf("\n\n") + 1));
    caught(text("/v1/log/checkpoint", SignedCheckpoints.sign(parsed, other.getPrivate(), other.getPublic())), "checkpoint");
    assertThat(origin).startsWith("secaimed.org/enclave-log/");
    // The site already stored the checkpoint of size 4; an older, genuinely signed one of size 2 is a rollback.
    caught(text("/v1/log/checkpoint", checkpointAfterA), "consistency");
  }

  @Test
  void aForkedLogSignedWithTheRealKeyIsCaught() throws Exception {
    // A malicious gateway holding the signing key rewrites history: a different first leaf, then both receipts.
    Path keys = f.enclave.stateDir().resolve("keys");
    PrivateKey sk = Ed25519.privateKey(Files.readAllBytes(keys.resolve("signing.pk8")));
    PublicKey pk = Ed25519.publicKey(Files.readAllBytes(keys.resolve("signing.spki")));
    MerkleTree fork = new MerkleTree();
    fork.append(LogHashes.leafHash("forged entry".getBytes(StandardCharsets.UTF_8)));
    // Then the genuine leaves in order: each task's use entry, then its receipt.
    List<String> uses = Files.readAllLines(f.enclave.stateDir().resolve("usage/entries.jsonl"));
    for (int i = 0; i < 2; i++) {
      fork.append(LogHashes.leafHash(JSON.readValue(uses.get(i), DsseEnvelope.class).logLeafInput()));
      ObjectNode r = (ObjectNode) JSON.readTree(raw(receiptPath(i == 0 ? taskA : taskB)));
      fork.append(LogHashes.leafHash(JSON.treeToValue(r.get("envelope"), DsseEnvelope.class).logLeafInput()));
    }
    String note = SignedCheckpoints.sign(new Checkpoint(SignedCheckpoints.originFor(pk), 5, fork.root()), sk, pk);
    ObjectNode receiptA = (ObjectNode) JSON.readTree(raw(receiptPath(taskA)));
    receiptA.put("leafIndex", 2);
    StubMapping s1 = proxy.stubFor(json(receiptPath(taskA), JSON.writeValueAsString(receiptA)).atPriority(1));
    StubMapping s2 = proxy.stubFor(json("/v1/log/proof/inclusion", proofJson(2L, 5L, null, null, fork.inclusionProof(2, 5))).atPriority(1));
    StubMapping s3 = proxy.stubFor(json("/v1/log/proof/consistency", proofJson(null, null, 4L, 5L, fork.consistencyProof(4, 5))).atPriority(1));
    try {
      caught(text("/v1/log/checkpoint", note), "consistency");
    } finally {
      proxy.removeStub(s1);
      proxy.removeStub(s2);
      proxy.removeStub(s3);
    }
  }

  private static String proofJson(Long leafIndex, Long treeSize, Long from, Long to, List<byte[]> hashes) throws Exception {
    ObjectNode o = JSON.createObjectNode();
    if (leafIndex != null) o.put("leafIndex", leafIndex).put("treeSize", treeSize);
    if (from != null) o.put("fromSize", from).put("toSize", to);
    ArrayNode a = o.putArray("hashes");
    hashes.forEach(h -> a.add(Base64.getEncoder().encodeToString(h)));
    return JSON.writeValueAsString(o);
  }

  @Test
  void aReplayedAttestationIsRefusedBeforeAnyUpload() throws Exception {
    String old = new String(http.send(HttpRequest.newBuilder(URI.create(f.enclave.baseUrl() + "/v1/attestation"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"nonce\":\"" + Base64.getEncoder().encodeToString(new byte[32]) + "\"}")).build(),
        HttpResponse.BodyHandlers.ofByteArray()).body(), StandardCharsets.UTF_8);
    long blobs = f.enclave.blobCount();
    StubMapping stub = proxy.stubFor(post(urlPathEqualTo("/v1/attestation")).atPriority(1)
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(old)));
    try {
      assertThatThrownBy(site::attest).isInstanceOfSatisfying(AttestationRefusedException.class,
          e -> assertThat(e.failedCheck()).contains("binding"));
    } finally {
      proxy.removeStub(stub);
    }
    assertThat(f.enclave.blobCount()).isEqualTo(blobs);
  }

  @Test
  void garbageInsteadOfJsonIsATypedGatewayError() throws Exception {
    StubMapping stub = proxy.stubFor(json(receiptPath(taskA), "{\"envelope\": 42").atPriority(1));
    try {
      assertThatThrownBy(() -> site.fetchVerified(attested, taskA)).isInstanceOf(GatewayException.class);
    } finally {
      proxy.removeStub(stub);
    }
    try (Stream<Path> left = Files.list(tmp.resolve("site/work"))) {
      assertThat(left).isEmpty();
    }
  }
}
