package org.secaimed.devtools.provider;

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
import org.secaimed.connector.gateway.GatewayProblemException;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.party.PartyKey;
import org.secaimed.connector.provider.ProviderClient;
import org.secaimed.connector.receipt.ReceiptBundle;
import org.secaimed.connector.receipt.Receipts;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.devtools.demo.Demo;
import org.secaimed.devtools.enclave.DevEnclave;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.dicom.pipeline.BridgePipeline;
import org.secaimed.dicom.pipeline.DirectorySegDestination;
import org.secaimed.dicom.pipeline.DirectorySeriesSource;
import org.secaimed.dicom.pipeline.PipelineListener;
import org.secaimed.dicom.pipeline.SeriesOutcome;
import org.secaimed.enclave.server.EnclaveServer;

/**
 * {@code secaimed demo --provider}: an algorithm provider publishes the phantom CNN to the INSECURE
 * dev enclave under a licence of 2 runs for site A and none for site B; site A segments twice
 * through the bridge pipeline (SEG written, Dice against the phantom's truth); its third run and
 * site B are refused; a licence whose notAfter has passed is refused; the provider's verified usage
 * report lists exactly the two uses. Every refusal is reported only if the enclave refused with the
 * rule's problem type.
 */
public final class ProviderDemo {
  /** The refusals the demo provokes, by JSON name, with the problem type each must be refused with. */
  public static final Map<String, String> EXPECTED = Map.of("licenceRunsExceeded", "licence-runs-exceeded",
      "siteNotLicensed", "site-not-licensed", "expiredLicence", "expired-licence");

  public record SiteRun(String taskId, long run, long siteRun, String licenceDigest, String modelDigest, long useLogIndex, long receiptLogIndex,
      Map<String, Double> dice, Path segPath) {}

  /** {@code refused} only if the enclave answered with the expected problem type. */
  public record Refusal(boolean refused, String type, String detail) {}

  public record Usage(int entries, boolean verified, boolean consistencyChecked, List<String> taskIds, boolean exactlyTheRuns) {}

  public record Result(String provider, String siteA, String siteB, String licenceDigest, String modelDigest, List<SiteRun> runs,
      Map<String, Refusal> refusals, Usage usage, double totalSeconds) {
    public boolean passed() {
      return runs.size() == 2 && runs.stream().allMatch(r -> r.dice().values().stream().allMatch(d -> d >= 0.95))
          && refusals.values().stream().allMatch(Refusal::refused) && usage.verified() && usage.exactlyTheRuns();
    }
  }

  private final Path outDir;
  private final int size;
  private final int slices;
  private final PrintStream enclaveLog;

  public ProviderDemo(Path outDir, int size, int slices, PrintStream enclaveLog) {
    this.outDir = outDir;
    this.size = size;
    this.slices = slices;
    this.enclaveLog = enclaveLog;
  }

  public Result run() throws Exception {
    long started = System.nanoTime();
    Path work = Files.createTempDirectory(Files.createDirectories(outDir), "provider-");
    Policy policy = Policy.resource("policies/dev.yaml");
    PhantomSeries series = new PhantomSeries(CtPhantom.builder().size(size, size, slices).seed(20261207L).build());
    Path seriesDir = Files.createDirectories(work.resolve("series"));
    series.writeTo(seriesDir);
    KemKeyPair siteA = KemKeyPair.generate(HpkeSuite.DEFAULT), siteB = KemKeyPair.generate(HpkeSuite.DEFAULT);
    String a = PartyKey.derivedFrom(siteA).id(), b = PartyKey.derivedFrom(siteB).id();

    try (DevEnclave enclave = DevEnclave.start(EnclaveServer.Config.defaults(work.resolve("enclave-state")), enclaveLog)) {
      ProviderParty provider = ProviderParty.attest(enclave.baseUrl(), policy, KemKeyPair.generate(HpkeSuite.DEFAULT), work.resolve("provider"));
      ProviderParty.Published published = provider.publish("1.0.0", l -> l.sites(a).allow("segmentation", "segmentation")
          .maxRuns(2, 2).notAfter(Instant.now().plus(Duration.ofDays(1))));
      String licence = published.licence().digest();
      String stored = provider.usage(licence, null).checkpoint(); // the provider's checkpoint before any use

      Site site = new Site(enclave.baseUrl(), policy, siteA, seriesDir, series, work.resolve("site-a"));
      List<SiteRun> runs = new ArrayList<>();
      for (int i = 1; i <= 2; i++) runs.add(site.segment("run-" + i));
      Map<String, Refusal> refusals = new LinkedHashMap<>();
      refusals.put("licenceRunsExceeded", site.refused("run-3", "licence-runs-exceeded"));
      refusals.put("siteNotLicensed", new Site(enclave.baseUrl(), policy, siteB, seriesDir, series, work.resolve("site-b"))
          .refused("run-1", "site-not-licensed"));
      // The provider offers the model under a new licence for site A whose notAfter has passed.
      provider.publish("1.0.0", l -> l.sites(a).allow("segmentation", "segmentation").maxRuns(2, 2)
          .notAfter(Instant.now().minus(Duration.ofDays(1))));
      refusals.put("expiredLicence", site.refused("run-4", "expired-licence"));

      ProviderClient.Audited audit = provider.usage(licence, stored);
      List<String> ids = audit.verified().uses().stream().map(u -> u.taskId()).toList();
      Usage usage = new Usage(ids.size(), true, audit.verified().consistencyChecked(), ids,
          ids.equals(runs.stream().map(SiteRun::taskId).toList()));
      return new Result(provider.key().id(), a, b, licence, published.licence().model().digest(), runs, refusals, usage,
          (System.nanoTime() - started) / 1e9);
    }
  }

  /** A site running the bridge pipeline (the operator's job) against the enclave, one run folder per run. */
  private record Site(String baseUrl, Policy policy, KemKeyPair keys, Path seriesDir, PhantomSeries series, Path dir) {
    BridgePipeline pipeline(Path run) throws Exception {
      GatewaySession gateway = GatewaySession.builder(baseUrl).policy(policy).site(keys).checkpointStore(dir.resolve("checkpoints"))
          .workDir(run.resolve("run/tmp")).pollInterval(Duration.ofMillis(100)).build();
      return BridgePipeline.builder().gateway(gateway).siteKey(keys).source(new DirectorySeriesSource(seriesDir))
          .destination(new DirectorySegDestination(run, "seg.dcm"))
          .algorithm(BridgePipeline.resolveAlgorithm(gateway, "phantom-ct-cnn", "1.0.0"))
          .taskTimeout(Duration.ofMinutes(10)).listener(PipelineListener.SILENT).build();
    }

    SiteRun segment(String name) throws Exception {
      Path run = Files.createDirectories(dir.resolve(name));
      SeriesOutcome o = pipeline(run).segmentSeries(series.seriesInstanceUid(), run.resolve("run"));
      // The pipeline verified this receipt against the attested key; the bundle keeps that key.
      ReceiptBundle bundle = ReceiptBundle.read(o.receiptFile());
      TaskReceipt receipt = Receipts.open(bundle.envelope(),
          org.secaimed.connector.tlog.Ed25519.publicKey(java.util.Base64.getDecoder().decode(bundle.signingPublicKey())));
      TaskReceipt.Licence l = receipt.licence();
      if (l == null) throw new IllegalStateException("the receipt of " + o.taskId() + " names no licence");
      Path seg = run.resolve("seg.dcm");
      return new SiteRun(o.taskId(), l.run(), l.siteRun(), l.digest(), l.modelDigest(), l.useLeafIndex(), o.logIndex(),
          Demo.diceAgainstTruth(seg, seriesDir, series.phantom()), seg);
    }

    Refusal refused(String name, String expectedType) throws Exception {
      Path run = Files.createDirectories(dir.resolve(name));
      try {
        SeriesOutcome o = pipeline(run).segmentSeries(series.seriesInstanceUid(), run.resolve("run"));
        return new Refusal(false, null, "task " + o.taskId() + " ran");
      } catch (java.io.IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
          if (t instanceof GatewayProblemException p) {
            return new Refusal(expectedType.equals(p.slug()), p.slug(), p.getMessage());
          }
        }
        throw e;
      }
    }
  }
}
