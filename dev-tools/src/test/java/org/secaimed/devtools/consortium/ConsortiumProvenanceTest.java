package org.secaimed.devtools.consortium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.provenance.Lineage;
import org.secaimed.connector.provenance.ModelProvenanceReport;
import org.secaimed.connector.provenance.ProvenanceEvidence;
import org.secaimed.connector.provenance.ProvenanceException;
import org.secaimed.connector.receipt.DsseEnvelope;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.tlog.Checkpoint;
import org.secaimed.connector.tlog.SignedCheckpoints;
import org.secaimed.enclave.server.keys.EnclaveKeys;
import org.secaimed.enclave.server.state.StateDir;
import org.secaimed.devtools.enclave.DevEnclave;
import org.secaimed.enclave.server.EnclaveServer;
import org.secaimed.kaapana.provenance.ProvenanceRecord;

/**
 * Issue #17 acceptance: after the consortium scenario the first site's provenance report for the
 * pooled model lists exactly the contributors, their purposes and counts, and every later use;
 * the SPDX document validates against the published SPDX 3.0.1 JSON schema; a tampered receipt,
 * a missing log entry and a forked log each fail with a typed error naming what failed.
 */
class ConsortiumProvenanceTest {
  @TempDir static Path tmp;
  static ConsortiumDemo.Result r;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void runTheConsortiumScenario() throws Exception {
    r = new ConsortiumDemo(tmp, 2, new PrintStream(OutputStream.nullOutputStream())).run();
  }

  @Test
  void theReportListsExactlyTheContributorsTheirPurposesCountsAndEveryLaterUse() {
    Lineage l = r.provenance().lineage();
    assertThat(l.modelId()).isEqualTo(r.training().modelId());
    assertThat(l.modelPolicyDigest()).isEqualTo(r.training().modelPolicyDigest());
    assertThat(l.training()).singleElement().satisfies(t -> assertThat(t.taskId()).isEqualTo(r.training().taskId()));
    assertThat(l.contributors()).extracting(Lineage.Contributor::party)
        .containsExactlyInAnyOrderElementsOf(r.sites().stream().map(ConsortiumDemo.SiteReport::party).toList());
    int instances = ConsortiumDemo.phantom(100).size() + 1; // the slices and the ground-truth SEG
    assertThat(l.contributors()).allSatisfy(c -> {
      assertThat(c.purposes()).containsExactly(ConsortiumDemo.PURPOSE);
      assertThat(c.taskKinds()).containsExactly("training");
      assertThat(c.studies()).isEqualTo(1);
      assertThat(c.instances()).isEqualTo(instances);
    });
    ConsortiumDemo.SiteReport first = r.sites().get(0);
    Lineage.Contributor own = l.contributors().stream().filter(Lineage.Contributor::own).findFirst().orElseThrow();
    assertThat(own.party()).isEqualTo(first.party());
    assertThat(own.policyDigests()).containsExactly(first.policyDigest());
    assertThat(own.ownInstances()).hasSize(instances);
    assertThat(l.contributors()).filteredOn(c -> !c.own()).allSatisfy(c -> assertThat(c.ownInstances()).isNull());
    List<String> expectedUses = new ArrayList<>(r.sites().stream().map(ConsortiumDemo.SiteReport::segmentationTask).toList());
    expectedUses.add(r.evaluation().taskId());
    assertThat(l.uses()).extracting(Lineage.Task::taskId).containsExactlyInAnyOrderElementsOf(expectedUses);
    assertThat(l.uses()).allSatisfy(u -> {
      assertThat(u.outcomeDigest()).matches("[0-9a-f]{64}");
      assertThat(u.finishedAt()).isNotNull();
    });
    assertThat(l.uses()).filteredOn(u -> u.kind().equals("evaluation")).singleElement()
        .satisfies(u -> assertThat(u.party()).isEqualTo(r.evaluation().party()));
    for (ConsortiumDemo.SiteReport s : r.sites()) {
      assertThat(l.uses()).filteredOn(u -> u.taskId().equals(s.segmentationTask())).singleElement()
          .satisfies(u -> assertThat(u.party()).isEqualTo(s.party()));
    }
    assertThat(l.algorithm().id()).isEqualTo(ConsortiumDemo.ALGORITHM);
    assertThat(l.enclave().insecure()).isTrue();
    assertThat(l.log().consistencyChecked()).as("the site had pinned a checkpoint before").isTrue();
    assertThat(l.modelFiles()).containsValue(l.modelDigest().substring(7));
  }

  @Test
  void theSpdxDocumentValidatesAgainstThePublishedSpdx301Schema() throws Exception {
    JsonSchema schema;
    try (InputStream in = ConsortiumProvenanceTest.class.getResourceAsStream("/resources/schema-v3.0.1.json")) {
      schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(JSON.readTree(in));
    }
    JsonNode spdx = JSON.readTree(r.provenance().folder().resolve("spdx.json").toFile());
    Set<ValidationMessage> errors = schema.validate(spdx);
    assertThat(errors).extracting(ValidationMessage::getMessage).isEmpty();
    List<String> types = new ArrayList<>();
    spdx.path("@graph").forEach(n -> types.add(n.path("type").asText()));
    assertThat(types).contains("ai_AIPackage", "SpdxDocument").filteredOn("dataset_DatasetPackage"::equals).hasSize(3); // 2 sites + evaluator
    List<String> rels = new ArrayList<>();
    spdx.path("@graph").forEach(n -> { if (n.has("relationshipType")) rels.add(n.get("relationshipType").asText()); });
    assertThat(rels).containsExactlyInAnyOrder("trainedOn", "trainedOn", "testedOn");
    // The schema is not a rubber stamp: a dataset without its required type fails it.
    ObjectNode broken = spdx.deepCopy();
    broken.withArray("@graph").forEach(n -> { if ("dataset_DatasetPackage".equals(n.path("type").asText())) ((ObjectNode) n).remove("dataset_datasetType"); });
    assertThat(schema.validate(broken)).isNotEmpty();
  }

  @Test
  void theKeptReportVerifiesOfflineAndIsSelfContained() throws Exception {
    Path folder = r.provenance().folder();
    assertThat(folder.resolve("evidence.json")).exists();
    assertThat(folder.resolve("model-signing.dsse.json")).exists();
    ProvenanceRecord.Verified v = ProvenanceRecord.verify(folder, Policy.resource("policies/dev.yaml"), Instant.now());
    assertThat(v.anchored()).isTrue();
    assertThat(v.lineage().uses()).hasSize(3);
    String html = Files.readString(folder.resolve("report.html"));
    assertThat(html).contains("<svg", r.training().modelId(), r.evaluation().taskId()).doesNotContain("<script", "src=", "href=", "url(");
    JsonNode retention = JSON.readTree(folder.resolve("retention.json").toFile());
    assertThat(retention.path("retention").asText()).isEqualTo("P6M");
  }

  @Test
  void aTamperedReceiptIsRefusedNamingTheTask() throws Exception {
    ProvenanceEvidence e = evidence();
    ModelProvenanceReport.Entry use = e.report().entries().get(e.report().entries().size() - 1);
    String payload = new String(Base64.getDecoder().decode(use.envelope().payload()), StandardCharsets.UTF_8)
        .replace("\"kind\":\"" + kindOf(use) + "\"", "\"kind\":\"" + kindOf(use) + "\" ");
    DsseEnvelope forged = new DsseEnvelope(use.envelope().payloadType(), Base64.getEncoder().encodeToString(payload.getBytes(StandardCharsets.UTF_8)),
        use.envelope().signatures());
    ProvenanceException x = failing(withEntries(e, replace(e.report().entries(), use,
        new ModelProvenanceReport.Entry(use.taskId(), use.leafIndex(), forged, use.inclusionProof()))));
    assertThat(x.step()).isEqualTo(ProvenanceException.Step.SIGNATURE);
    assertThat(x.subject()).contains(use.taskId());
  }

  @Test
  void aMissingLogEntryIsRefusedNamingTheTaskAndLeaf() throws Exception {
    ProvenanceEvidence e = evidence();
    ModelProvenanceReport.Entry use = e.report().entries().get(1);
    List<ModelProvenanceReport.Entry> without = new ArrayList<>(e.report().entries());
    without.remove(use);
    ProvenanceException dropped = failing(withEntries(e, without));
    assertThat(dropped.step()).isEqualTo(ProvenanceException.Step.MISSING_ENTRY);
    assertThat(dropped.subject()).contains(use.taskId(), "leaf " + use.leafIndex());
    // A receipt the log does not hold at that leaf: its inclusion proof cannot verify.
    List<String> badProof = new ArrayList<>(use.inclusionProof());
    badProof.set(0, Base64.getEncoder().encodeToString(new byte[32]));
    ProvenanceException notIncluded = failing(withEntries(e, replace(e.report().entries(), use,
        new ModelProvenanceReport.Entry(use.taskId(), use.leafIndex(), use.envelope(), badProof))));
    assertThat(notIncluded.step()).isEqualTo(ProvenanceException.Step.MISSING_ENTRY);
    assertThat(notIncluded.subject()).contains(use.taskId());
  }

  @Test
  void aForkedLogIsRefused() throws Exception {
    ProvenanceEvidence e = evidence();
    KeyPair enclaveKey = EnclaveKeys.loadOrCreate(new StateDir(r.enclaveState()).keys(), HpkeSuite.DEFAULT).signing();
    Checkpoint real = SignedCheckpoints.open(e.report().checkpoint(), SignedCheckpoints.originFor(enclaveKey.getPublic()), enclaveKey.getPublic());
    // The enclave's key signed a checkpoint of another tree the site pinned earlier: a split view.
    String otherView = SignedCheckpoints.sign(new Checkpoint(real.origin(), real.size() - 1, new byte[32]), enclaveKey.getPrivate(), enclaveKey.getPublic());
    ProvenanceEvidence forked = new ProvenanceEvidence(e.format(), e.modelId(), e.site(), e.fetchedAt(), e.signingPublicKey(), e.attestation(),
        otherView, e.consistencyProof(), e.report());
    ProvenanceException x = failing(forked);
    assertThat(x.step()).isEqualTo(ProvenanceException.Step.CONSISTENCY);
    assertThat(x.step().code()).isEqualTo("LOG_FORKED");
  }

  @Test
  void anEditedLineageFileIsRefused() throws Exception {
    Path copy = Files.createDirectories(tmp.resolve("edited"));
    for (String f : List.of("evidence.json", "lineage.json")) Files.copy(r.provenance().folder().resolve(f), copy.resolve(f));
    ObjectNode lineage = (ObjectNode) JSON.readTree(copy.resolve("lineage.json").toFile());
    ((ObjectNode) lineage.withArray("contributors").get(0)).put("instances", 1);
    JSON.writeValue(copy.resolve("lineage.json").toFile(), lineage);
    assertThatThrownBy(() -> ProvenanceRecord.verify(copy, null, Instant.now())).isInstanceOfSatisfying(ProvenanceException.class,
        x -> assertThat(x.step()).isEqualTo(ProvenanceException.Step.MISMATCH));
  }

  @Test
  void theSiteCliFetchesVerifiesKeepsAndPrunesAndRefusesANonContributor() throws Exception {
    Path policy = tmp.resolve("dev-policy.yaml");
    try (InputStream in = Policy.class.getClassLoader().getResourceAsStream("policies/dev.yaml")) {
      Files.copy(in, policy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Path store = tmp.resolve("cli-store");
    // The enclave restarts on the scenario's state: its keys, log, receipts and model policies persist.
    try (DevEnclave enclave = DevEnclave.start(EnclaveServer.Config.defaults(r.enclaveState()), new PrintStream(OutputStream.nullOutputStream()))) {
      Path siteA = tmp.resolve(r.sites().get(0).name());
      JsonNode ok = cli("provenance", "model", r.training().modelId(), "--gateway", enclave.baseUrl(), "--policy", policy.toString(),
          "--key", siteA.resolve("site.key.json").toString(), "--checkpoint-dir", siteA.resolve("checkpoint.note").toString(),
          "--store", store.toString(), "--json");
      assertThat(ok.path("ok").asBoolean()).as(ok.toString()).isTrue();
      assertThat(ok.path("lineage").path("uses")).hasSize(3);
      assertThat(ok.path("lineage").path("log").path("consistencyChecked").asBoolean()).isTrue();
      JsonNode verified = cli("provenance", "verify", ok.path("folder").asText(), "--policy", policy.toString(), "--json");
      assertThat(verified.path("status").asText()).as(verified.toString()).isEqualTo("VERIFIED");
      JsonNode refused = cli("provenance", "model", r.training().modelId(), "--gateway", enclave.baseUrl(), "--policy", policy.toString(),
          "--key", tmp.resolve("evaluator").resolve("site.key.json").toString(), "--checkpoint-dir", tmp.resolve("evaluator").resolve("checkpoint.note").toString(),
          "--store", store.toString(), "--json");
      assertThat(refused.path("error").path("code").asText()).as(refused.toString()).isEqualTo("NOT_MODEL_CONTRIBUTOR");

      // The data-protection officer's question: what was done with this series? The training series went into the model...
      String[] site = {"--store", siteA.resolve("provenance").toString(), "--gateway", enclave.baseUrl(), "--policy", policy.toString(),
          "--key", siteA.resolve("site.key.json").toString(), "--checkpoint-dir", siteA.resolve("checkpoint.note").toString(), "--json"};
      JsonNode trained = cli(concat(new String[] {"provenance", "study", "--series", ConsortiumDemo.phantom(100).seriesInstanceUid()}, site));
      assertThat(trained.path("ok").asBoolean()).as(trained.toString()).isTrue();
      JsonNode uses = trained.path("inputs").get(0).path("uses");
      assertThat(uses).hasSize(1);
      assertThat(uses.get(0).path("taskId").asText()).isEqualTo(r.training().taskId());
      assertThat(uses.get(0).path("modelProduced").asText()).isEqualTo(r.training().modelId());
      assertThat(uses.get(0).path("policyDigest").asText()).isEqualTo(r.sites().get(0).policyDigest());
      assertThat(uses.get(0).path("useNumber").asInt()).isEqualTo(1);
      // ...the test series was segmented with it.
      JsonNode segmented = cli(concat(new String[] {"provenance", "study", "--series", ConsortiumDemo.phantom(200).seriesInstanceUid()}, site));
      JsonNode seg = segmented.path("inputs").get(0).path("uses");
      assertThat(seg).hasSize(1);
      assertThat(seg.get(0).path("taskId").asText()).isEqualTo(r.sites().get(0).segmentationTask());
      assertThat(seg.get(0).path("modelUsed").asText()).isEqualTo(r.training().modelId());
      JsonNode unknown = cli(concat(new String[] {"provenance", "study", "--series", "1.2.3.4"}, site));
      assertThat(unknown.path("error").path("code").asText()).isEqualTo("NOT_FOUND");
    }
    JsonNode pruned = cli("provenance", "prune", "--store", store.toString(), "--json");
    assertThat(pruned.path("deleted")).as("nothing is younger than six months").isEmpty();
    assertThat(pruned.path("kept").asInt()).isEqualTo(1);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static JsonNode cli(String... args) throws Exception {
    java.io.StringWriter out = new java.io.StringWriter();
    picocli.CommandLine c = org.secaimed.kaapana.cli.SecaimedCli.commandLine();
    c.setOut(new java.io.PrintWriter(out));
    c.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
    c.execute(args);
    return JSON.readTree(out.toString());
  }

  private static String kindOf(ModelProvenanceReport.Entry e) throws Exception {
    return JSON.readTree(Base64.getDecoder().decode(e.envelope().payload())).path("predicate").path("kind").asText();
  }

  private static ProvenanceEvidence evidence() throws Exception {
    return ProvenanceEvidence.read(r.provenance().folder().resolve("evidence.json"));
  }

  private static ProvenanceEvidence withEntries(ProvenanceEvidence e, List<ModelProvenanceReport.Entry> entries) {
    ModelProvenanceReport p = e.report();
    return new ProvenanceEvidence(e.format(), e.modelId(), e.site(), e.fetchedAt(), e.signingPublicKey(), e.attestation(), e.pinnedCheckpoint(),
        e.consistencyProof(), new ModelProvenanceReport(p.format(), p.modelId(), p.modelPolicy(), p.inputPolicies(), p.checkpoint(), p.index(),
            entries, p.modelSignature()));
  }

  private static List<ModelProvenanceReport.Entry> replace(List<ModelProvenanceReport.Entry> all, ModelProvenanceReport.Entry old,
      ModelProvenanceReport.Entry now) {
    return all.stream().map(x -> x == old ? now : x).toList();
  }

  private static ProvenanceException failing(ProvenanceEvidence e) throws Exception {
    Path dir = Files.createTempDirectory(tmp, "case-");
    e.write(dir.resolve("evidence.json"));
    try {
      ProvenanceRecord.verify(dir, null, Instant.now());
    } catch (ProvenanceException x) {
      return x;
    }
    throw new AssertionError("verification passed");
  }
}
