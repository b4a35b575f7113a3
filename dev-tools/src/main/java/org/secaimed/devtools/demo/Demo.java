package org.secaimed.devtools.demo;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.secaimed.enclave.server.EnclaveServer;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.devtools.enclave.DevEnclave;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.pipeline.BridgePipeline;
import org.secaimed.dicom.pipeline.DirectorySegDestination;
import org.secaimed.dicom.pipeline.DirectorySeriesSource;
import org.secaimed.dicom.pipeline.PipelineListener;
import org.secaimed.dicom.pipeline.SeriesOutcome;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.seg.SegmentationOnSeries;
import org.secaimed.dicom.seg.SegmentationReader;
import org.secaimed.dicom.volume.LabelVolume;

/**
 * The main job end to end on the embedded default: a generated CT phantom with ground truth, the
 * INSECURE dev enclave in-process, and the same {@link BridgePipeline} the Kaapana operator runs.
 * Only the source (a folder instead of dicom-web-filter) and the destination (a file instead of
 * CTP) differ.
 */
public final class Demo {

  /** What the demo measured; {@code dice} maps a structure to its Dice against the ground truth. */
  public record Result(SeriesOutcome outcome, Path segPath, Path seriesDir, Map<String, Double> dice,
      boolean receiptVerified, String enclaveBaseUrl, double totalSeconds) {}

  private final Path outDir;
  private final int slices;
  private final int size;
  private final PipelineListener listener;
  private final PrintStream enclaveLog;

  public Demo(Path outDir, int slices, int size, PipelineListener listener, PrintStream enclaveLog) {
    this.outDir = outDir;
    this.slices = slices;
    this.size = size;
    this.listener = listener;
    this.enclaveLog = enclaveLog;
  }

  public Result run() throws Exception {
    long started = System.nanoTime();
    // Fresh or verified, never stale: see DemoWorkspace. Nothing the demo did not write is deleted.
    DemoWorkspace workspace = new DemoWorkspace(outDir);
    CtPhantom phantom = CtPhantom.builder().size(size, size, slices).seed(20261122L).build();
    Path seriesDir = workspace.phantom(new PhantomSeries(phantom), "ct-phantom-" + size + "x" + size + "x" + slices);
    Path runFolder = workspace.newRun();
    Path runDir = runFolder.resolve("run");
    Path segPath = runFolder.resolve("seg.dcm");

    // The site's KEM key lives only in memory for the demo; a site keeps it in a Kubernetes Secret.
    KemKeyPair siteKey = KemKeyPair.generate(HpkeSuite.DEFAULT);
    Policy policy = Policy.resource("policies/dev.yaml");

    try (DevEnclave enclave = DevEnclave.start(EnclaveServer.Config.defaults(runFolder.resolve("enclave-state")), enclaveLog)) {
      GatewaySession gateway = GatewaySession.builder(enclave.baseUrl())
          .policy(policy)
          .site(siteKey) // signs the site's requests and seals each upload under a usage policy it owns
          .checkpointStore(runDir.resolve("checkpoints"))
          .workDir(runDir.resolve("tmp"))
          .pollInterval(Duration.ofMillis(100))
          .build();
      TaskReceipt.Algorithm algorithm = BridgePipeline.resolveAlgorithm(gateway, "ct-body-lungs-bone", null);
      DirectorySeriesSource source = new DirectorySeriesSource(seriesDir);
      BridgePipeline pipeline = BridgePipeline.builder()
          .gateway(gateway)
          .siteKey(siteKey)
          .source(source)
          .destination(new DirectorySegDestination(runFolder, segPath.getFileName().toString()))
          .algorithm(algorithm)
          .taskTimeout(Duration.ofMinutes(20))
          .listener(listener)
          .build();
      SeriesOutcome outcome = pipeline.segmentSeries(source.onlySeries(), runDir);
      // The policy that admitted the enclave, kept with the receipt: `receipt verify run/receipt.json --policy run/policy.yaml`.
      Files.writeString(runDir.resolve("policy.yaml"), policy.text());
      Map<String, Double> dice = diceAgainstTruth(segPath, seriesDir, phantom);
      return new Result(outcome, segPath, seriesDir, dice, true, enclave.baseUrl(), (System.nanoTime() - started) / 1e9);
    }
  }

  /** Reads the SEG back from disk as any viewer would and scores it against the phantom's truth. */
  public static Map<String, Double> diceAgainstTruth(Path segPath, Path seriesDir, CtPhantom phantom) throws Exception {
    AssembledSeries headers = SeriesAssembler.create().withPixels(false).addDirectory(seriesDir).assemble();
    SegmentationOnSeries seg = SegmentationReader.read(segPath, headers);
    LabelVolume truth = phantom.truth();
    byte[] t = truth.labels();
    Map<String, Double> dice = new LinkedHashMap<>();
    for (SegmentDescription truthSegment : phantom.segments()) {
      SegmentDescription found = seg.segments().stream()
          .filter(s -> s.type().value().equals(truthSegment.type().value()) && s.type().scheme().equals(truthSegment.type().scheme()))
          .findFirst().orElse(null);
      if (found == null) {
        dice.put(truthSegment.label(), 0.0);
        continue;
      }
      // The SEG's frames follow the series' slice order, which is the phantom's k.
      BitSet mask = seg.mask(found.number());
      long inA = 0, inB = 0, both = 0;
      for (int i = 0; i < t.length; i++) {
        boolean a = mask.get(i), b = (t[i] & 0xFF) == truthSegment.number();
        if (a) inA++;
        if (b) inB++;
        if (a && b) both++;
      }
      dice.put(truthSegment.label(), inA + inB == 0 ? 1.0 : 2.0 * both / (inA + inB));
    }
    return dice;
  }
}
