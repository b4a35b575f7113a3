package org.secaimed.devtools.consortium;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.gateway.AttestedEnclave;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.gateway.SubmittedTask;
import org.secaimed.connector.gateway.TaskSpec;
import org.secaimed.connector.gateway.UploadedBlob;
import org.secaimed.connector.gateway.VerifiedResult;
import org.secaimed.connector.party.PartyKey;
import org.secaimed.connector.party.UsagePolicy;
import org.secaimed.connector.provenance.Lineage;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.kaapana.provenance.ProvenanceRecord;
import org.secaimed.connector.provenance.SealedInputs;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.devtools.enclave.DevEnclave;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.dicom.exchange.InstanceRecord;
import org.secaimed.dicom.exchange.Metric;
import org.secaimed.dicom.exchange.ResultPayload;
import org.secaimed.dicom.exchange.ResultPayloads;
import org.secaimed.dicom.exchange.StudyArchiveWriter;
import org.secaimed.dicom.seg.SegmentationType;
import org.secaimed.enclave.server.EnclaveServer;
import org.secaimed.enclave.server.algorithms.metrics.OverlapMetrics;

/**
 * {@code secaimed demo --consortium}: N generated sites, each with its own keys and phantoms, pool
 * their data for one training run in the INSECURE dev enclave; every contributor verifies its own
 * part of the receipt; each site segments its own new study with the model; a further party
 * evaluates the model on its own data (metrics only); then the demo tries the attacks of issue
 * #14 itself and reports each as refused only if the enclave refused it and opened no input.
 */
public final class ConsortiumDemo {
  static final String PURPOSE = "consortium-research";
  static final String ALGORITHM = "voxel-classifier";

  public record SiteReport(String name, String party, String trainingBlob, String policyDigest, long useNumber, boolean receiptVerified,
      String segmentationTask, Map<Integer, Double> dice) {}

  public record Training(String taskId, String modelId, String modelPolicyDigest, int contributors, int receiptsVerified, long logIndex) {}

  public record Evaluation(String party, String taskId, List<Metric> metrics, boolean segmentationWithModelRefused) {}

  /** The first site's verified provenance of the model (docs/provenance.md) and the folder its report was written to. */
  public record Provenance(Path folder, Lineage lineage) {}

  public record Result(List<SiteReport> sites, Training training, Evaluation evaluation, Map<String, Boolean> refusals,
      Map<String, String> refusalDetails, long inputsOpened, double totalSeconds, Provenance provenance, Path enclaveState) {}

  private final Path outDir;
  private final int siteCount;
  private final PrintStream enclaveLog;

  public ConsortiumDemo(Path outDir, int siteCount, PrintStream enclaveLog) {
    if (siteCount < 2 || siteCount > 16) throw new IllegalArgumentException("--sites must be 2..16");
    this.outDir = outDir;
    this.siteCount = siteCount;
    this.enclaveLog = enclaveLog;
  }

  /** A site: its keys, a session that signs as it, an attested enclave. */
  /** {@code dir} holds the site's demo key, checkpoint store and provenance store. */
  record Site(String name, KemKeyPair keys, GatewaySession session, AttestedEnclave enclave, Path dir) {
    String id() {
      return PartyKey.derivedFrom(keys).id();
    }
  }

  record Study(UploadedBlob blob, Map<String, String> manifest) {}

  public Result run() throws Exception {
    long started = System.nanoTime();
    Path state = Files.createTempDirectory(Files.createDirectories(outDir), "consortium-enclave-");
    try (DevEnclave enclave = DevEnclave.start(EnclaveServer.Config.defaults(state), enclaveLog)) {
      List<Site> sites = new ArrayList<>();
      for (int i = 0; i < siteCount; i++) sites.add(site(enclave, "site-" + (char) ('a' + i)));
      Site evaluator = site(enclave, "evaluator");
      TaskReceipt.Algorithm alg = algorithm(sites.get(0));
      List<String> all = sites.stream().map(Site::id).toList();
      List<String> metricsParties = new ArrayList<>(all);
      metricsParties.add(evaluator.id());

      // 1. Every site seals its training study under a policy allowing this one pooled training run.
      List<Study> training = new ArrayList<>();
      for (int i = 0; i < sites.size(); i++) {
        Site s = sites.get(i);
        UsagePolicy p = UsagePolicy.builder(s.id()).purposes(PURPOSE).taskKinds("training").algorithm(alg.id(), alg.digest())
            .submitters(sites.get(0).id()).recipients("model", all.toArray(String[]::new))
            .recipients("metrics", metricsParties.toArray(String[]::new))
            .coContributors(all.stream().filter(x -> !x.equals(s.id())).toArray(String[]::new))
            .notAfter(Instant.now().plus(Duration.ofDays(1))).maxUses(1).build();
        training.add(upload(s, p, phantom(100 + i), true));
      }
      Site coordinator = sites.get(0);
      SubmittedTask train = coordinator.session().submit(coordinator.enclave(), new TaskSpec("training", alg,
          training.stream().map(t -> t.blob().blobId()).toList(), Map.of("iterations", "30", "samples", "6000"),
          Map.of(training.get(0).blob().blobId(), training.get(0).manifest()), PURPOSE), coordinator.keys().publicKey(), "consortium-train-1");
      coordinator.session().await(train, Duration.ofMinutes(10), null);
      ResultPayload.Training trained;
      long trainLogIndex;
      try (VerifiedResult r = coordinator.session().fetchVerified(coordinator.enclave(), train); InputStream in = r.open(coordinator.keys())) {
        trained = (ResultPayload.Training) ResultPayloads.read(in);
        trainLogIndex = r.bundle().leafIndex();
      }
      // 2. Every contributor verifies its own part of the one receipt (commitment, policy, count).
      List<TaskReceipt> contributions = new ArrayList<>();
      for (int i = 0; i < sites.size(); i++) {
        Study st = training.get(i);
        contributions.add(sites.get(i).session().verifyContribution(sites.get(i).enclave(), train.taskId(),
            Map.of(st.blob().blobId(), st.manifest())));
      }
      String modelId = trained.model().id();
      TaskReceipt receipt0 = contributions.get(0);
      String modelPolicy = receipt0.outputDigest("model-policy:" + modelId);

      // 3. Each site segments a study of its own with the pooled model.
      List<SiteReport> reports = new ArrayList<>();
      for (int i = 0; i < sites.size(); i++) {
        Site s = sites.get(i);
        PhantomSeries test = phantom(200 + i);
        Study st = upload(s, ownUse(s, alg, "segmentation"), test, false);
        SubmittedTask seg = s.session().submit(s.enclave(), new TaskSpec("segmentation", alg, List.of(st.blob().blobId()),
            Map.of("model", modelId), Map.of(st.blob().blobId(), st.manifest()), PURPOSE), s.keys().publicKey(), "consortium-seg-" + i);
        s.session().await(seg, Duration.ofMinutes(5), null);
        Map<Integer, Double> dice = new LinkedHashMap<>();
        try (VerifiedResult r = s.session().fetchVerified(s.enclave(), seg); InputStream in = r.open(s.keys())) {
          var labels = ((ResultPayload.Segmentation) ResultPayloads.read(in)).labels().labels();
          byte[] truth = test.phantom().truth().labels();
          for (int label = 1; label <= 3; label++) dice.put(label, OverlapMetrics.dice(labels, label, truth, label));
        }
        TaskReceipt.Input mine = contributions.get(i).inputs().stream().filter(x -> s.id().equals(x.owner())).findFirst().orElseThrow();
        reports.add(new SiteReport(s.name(), s.id(), training.get(i).blob().blobId(), mine.policyDigest(), mine.useNumber(), true,
            seg.taskId(), dice));
      }

      // 4. A party that contributed nothing evaluates the model on its own data: metrics only.
      Study evalStudy = upload(evaluator, ownUse(evaluator, alg, "evaluation"), phantom(300), true);
      SubmittedTask eval = evaluator.session().submit(evaluator.enclave(), new TaskSpec("evaluation", alg,
          List.of(evalStudy.blob().blobId()), Map.of("model", modelId), Map.of(evalStudy.blob().blobId(), evalStudy.manifest()), PURPOSE),
          evaluator.keys().publicKey(), "consortium-eval-1");
      evaluator.session().await(eval, Duration.ofMinutes(5), null);
      List<Metric> metrics;
      try (VerifiedResult r = evaluator.session().fetchVerified(evaluator.enclave(), eval); InputStream in = r.open(evaluator.keys())) {
        metrics = ((ResultPayload.Evaluation) ResultPayloads.read(in)).metrics();
      }
      Attacks attacks = new Attacks(enclave, alg);
      Study evalSeg = upload(evaluator, ownUse(evaluator, alg, "segmentation"), phantom(301), false);
      boolean evaluatorCannotSegment = attacks.refused("evaluatorSegmentsWithModel", "model-use-not-allowed",
          () -> evaluator.session().submit(evaluator.enclave(), new TaskSpec("segmentation", alg, List.of(evalSeg.blob().blobId()),
              Map.of("model", modelId), Map.of(), PURPOSE), evaluator.keys().publicKey(), "evaluator-seg-1"));

      // 5. The attacks of issue #14, tried for real.
      attacks.tryAll(sites.get(0), sites.get(1), train);
      int verified = contributions.size();

      // 6. The first site asks for the model's provenance: lineage and every later use, verified, kept as a report.
      Site first = sites.get(0);
      GatewaySession.Provenance p = first.session().modelProvenance(first.session().attest(), modelId,
          Map.of(training.get(0).blob().blobId(), training.get(0).manifest()));
      Path folder = ProvenanceRecord.write(first.dir().resolve("provenance"), p.evidence(), p.lineage(),
          ProvenanceRecord.DEFAULT_RETENTION, Instant.now());
      return new Result(reports, new Training(train.taskId(), modelId, modelPolicy, sites.size(), verified, trainLogIndex),
          new Evaluation(evaluator.id(), eval.taskId(), metrics, evaluatorCannotSegment), attacks.results(), attacks.details(),
          enclave.server().inputsOpened(), (System.nanoTime() - started) / 1e9, new Provenance(folder, p.lineage()), state);
    }
  }

  private Site site(DevEnclave enclave, String name) throws Exception {
    KemKeyPair keys = KemKeyPair.generate(HpkeSuite.DEFAULT);
    Path dir = Files.createDirectories(outDir.resolve(name));
    // The demo's INSECURE throw-away key, kept (owner-only) so that the site's CLI can be tried on the result.
    org.secaimed.connector.seal.KemKeys.writePrivateKey(dir.resolve("site.key.json"), keys);
    GatewaySession s = GatewaySession.builder(enclave.baseUrl()).policy(Policy.resource("policies/dev.yaml")).site(keys)
        .checkpointStore(dir.resolve("checkpoint.note")).workDir(dir.resolve("tmp")).pollInterval(Duration.ofMillis(100)).build();
    return new Site(name, keys, s, s.attest(), dir);
  }

  static UsagePolicy ownUse(Site s, TaskReceipt.Algorithm alg, String kind) {
    String output = UsagePolicy.outputKindOf(kind);
    return UsagePolicy.builder(s.id()).purposes(PURPOSE).taskKinds(kind).algorithm(alg.id(), alg.digest()).submitters(s.id())
        .recipients(output, s.id()).notAfter(Instant.now().plus(Duration.ofDays(1))).maxUses(4).build();
  }

  static Study upload(Site s, UsagePolicy policy, PhantomSeries series, boolean withTruth) throws Exception {
    Map<String, String> manifest = new LinkedHashMap<>();
    UploadedBlob blob = s.session().sealAndUpload(s.enclave(), policy, out -> {
      StudyArchiveWriter w = StudyArchiveWriter.open(out);
      for (int k = 0; k < series.size(); k++) {
        InstanceRecord r = w.add(series.instance(k));
        manifest.put(r.sopInstanceUid(), r.sha256());
      }
      if (withTruth) {
        InstanceRecord r = w.add(series.groundTruthSeg(SegmentationType.BINARY));
        manifest.put(r.sopInstanceUid(), r.sha256());
      }
      w.finish();
      w.close();
    });
    // The site's own record of what it sealed, so that 'secaimed provenance study --series' finds the blob.
    new SealedInputs(s.dir().resolve("provenance")).record(new SealedInputs.Entry(blob.blobId(), List.of(series.seriesInstanceUid()),
        List.of(series.studyInstanceUid()), policy.digest(), policy.purposes(), policy.taskKinds(), manifest.size(), Instant.now().toString()));
    return new Study(blob, manifest);
  }

  static PhantomSeries phantom(long seed) {
    return new PhantomSeries(CtPhantom.builder().size(128, 128, 16).seed(seed).build());
  }

  private static TaskReceipt.Algorithm algorithm(Site s) throws Exception {
    return s.session().client().algorithms().stream().filter(a -> a.getId().equals(ALGORITHM)).findFirst()
        .map(a -> new TaskReceipt.Algorithm(a.getId(), a.getVersion(), a.getDigest()))
        .orElseThrow(() -> new IOException("the dev enclave does not offer " + ALGORITHM));
  }
}
