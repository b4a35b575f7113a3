package org.secaimed.dicom.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secaimed.connector.gateway.GatewayException;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.gateway.SubmittedTask;
import org.secaimed.connector.gateway.TaskSpec;
import org.secaimed.connector.io.Digests;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.dicom.exchange.Metric;
import org.secaimed.dicom.exchange.ResultPayload;
import org.secaimed.dicom.pipeline.PipelineException.Step;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.seg.SegmentationType;

/**
 * Runs one job as DESIGN.md §3 describes — resolve → attest → pull+seal → submit → await →
 * open+verify → write back → record — for one series ({@link #segmentSeries}) or for a training or
 * evaluation cohort ({@link #runCohort}). Each step is its own class; this one only puts them in order.
 * A segmentation overlaps pull+seal and submit by default ({@link StreamedIngestStep}): its task
 * reads the series in the enclave while the site still sends it.
 *
 * <p>Every completed step is written to a {@link RunJournal} in the run folder, so a restarted
 * operator resumes where it stopped: an uploaded blob is not uploaded again, a submitted task is not
 * submitted again (and the gateway's idempotency key catches the window between submit and
 * journal), and a SEG is built with UIDs seeded by the task so that storing it again replaces
 * rather than duplicates it.
 *
 * <p>Plaintext never touches the disk: instances go from the source into the sealing stream in
 * memory; the result is opened in memory (a segmentation's label map slice by slice, decrypted
 * again from the sealed copy for each pass); the run folder holds only identifiers, digests, the
 * receipt and the log checkpoint.
 */
public final class BridgePipeline {
  private final JobParts parts;

  private BridgePipeline(Builder b) {
    this.parts = new JobParts(b.gateway, b.siteKey, b.source, b.destination, b.algorithm, b.parameters, b.taskTimeout,
        b.segType, b.clock, b.listener, b.sealedInputs, b.streamedIngest);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Resolves {@code algorithmId} (optionally pinned to {@code version}) against the gateway's
   * catalogue. The digest found there is what the receipt must name; the catalogue itself is not
   * trusted beyond that.
   */
  public static TaskReceipt.Algorithm resolveAlgorithm(GatewaySession gateway, String algorithmId, String version)
      throws GatewayException, PipelineException {
    return ResolveStep.algorithm(gateway, algorithmId, version);
  }

  /** Runs (or resumes) the job for one series in {@code runDir}. */
  public SeriesOutcome segmentSeries(String seriesUid, Path runDir) throws IOException {
    RunFolder run = RunFolder.open(runDir, parts.clock());
    AttestStep.Result attested = AttestStep.run(parts, run, seriesUid);
    var streamed = StreamedIngestStep.run(parts, attested, seriesUid, run);
    PullSealStep.UploadedSeries up;
    SubmittedTask task;
    if (streamed.isPresent()) {
      up = streamed.get().upload();
      task = streamed.get().task();
    } else {
      up = PullSealStep.run(parts, attested.enclave(), seriesUid, false, run);
      TaskSpec spec = new TaskSpec("segmentation", parts.algorithm(), List.of(up.blobId()), parts.parameters(),
          Map.of(up.blobId(), up.instances()));
      task = SubmitStep.run(parts, attested.enclave(), attested.bound(), spec, run, seriesUid + "|" + up.blobId());
    }
    AwaitStep.run(parts, task, run);

    try (var opened = OpenVerifyStep.openSegmentation(parts, attested.enclave(), task, run)) {
      var segmentation = opened.result();
      parts.listener().stepFinished(Step.OPEN_VERIFY, "receipt verified, log index " + opened.logIndex() + ", "
          + segmentation.segments().size() + " segments");

      var written = WriteBackStep.run(parts, seriesUid, up.headers(), up.instances(), segmentation, task, opened.receipt(), run);
      var seg = written.seg();
      var bound = attested.bound();
      Path recordFile = RecordStep.run(new RecordStep.SeriesRecord(seriesUid, task.taskId(),
          RecordStep.AlgorithmRef.of(parts.algorithm()), up.blobId(), bound.evidenceDigest(), bound.policyDigest(),
          attested.enclave().insecure(), OpenVerifyStep.RECEIPT_FILE, opened.logIndex(),
          new RecordStep.SegRef(seg.sopInstanceUid(), seg.seriesInstanceUid(), seg.frameCount()), written.storedAt()), run);

      Map<String, Double> metrics = new LinkedHashMap<>();
      for (Metric m : segmentation.metrics()) metrics.put(m.name(), m.value());
      List<String> segmentLabels = segmentation.segments().stream().map(SegmentDescription::label).toList();
      return new SeriesOutcome(seriesUid, task.taskId(), algorithmName(), attested.enclave().measurement().orElse(null),
          attested.enclave().insecure(), bound.evidenceDigest(), up.instances().size(), up.plaintextBytes(), up.sealedBytes(),
          up.sealSeconds(), up.blobId(), opened.logIndex(), opened.receiptFile(), recordFile, seg.sopInstanceUid(),
          seg.seriesInstanceUid(), segmentLabels, metrics, written.storedAt(), run.resumedSteps());
    }
  }

  /**
   * Runs (or resumes) a training or evaluation task over several image series, each sealed with
   * the SEGs that reference it. Nothing is written back: the result is metrics (and, for training,
   * the id of the model the enclave keeps), recorded with the verified receipt.
   */
  public CohortOutcome runCohort(String kind, List<String> seriesUids, Path runDir) throws IOException {
    ResolveStep.cohortKind(kind);
    if (seriesUids.isEmpty()) throw new PipelineException(Step.RESOLVE, kind, "no series given");
    RunFolder run = RunFolder.open(runDir, parts.clock());
    AttestStep.Result attested = AttestStep.run(parts, run, kind);

    List<String> blobIds = new ArrayList<>();
    Map<String, Map<String, String>> manifests = new LinkedHashMap<>();
    for (String series : seriesUids) {
      String folder = "series-" + Digests.sha256Hex(series.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
      var up = PullSealStep.run(parts, attested.enclave(), series, true, run.child(runDir.resolve(folder), parts.clock()));
      blobIds.add(up.blobId());
      manifests.put(up.blobId(), up.instances());
    }
    TaskSpec spec = new TaskSpec(kind, parts.algorithm(), blobIds, parts.parameters(), manifests);
    SubmittedTask task = SubmitStep.run(parts, attested.enclave(), attested.bound(), spec, run, String.join(",", blobIds));
    AwaitStep.run(parts, task, run);

    var opened = OpenVerifyStep.run(parts, attested.enclave(), task, kind, run);
    RecordStep.ModelRef model = modelOf(opened.payload());
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (Metric m : opened.payload().metrics()) {
      metrics.put(m.segment() > 0 ? m.name() + "[" + m.segment() + "]" : m.name(), m.value());
    }
    parts.listener().stepFinished(Step.OPEN_VERIFY, "receipt verified, log index " + opened.logIndex()
        + (model == null ? "" : ", model " + model.id()) + ", " + metrics.size() + " metrics");

    var bound = attested.bound();
    Path recordFile = RecordStep.run(new RecordStep.CohortRecord(kind, seriesUids, task.taskId(),
        RecordStep.AlgorithmRef.of(parts.algorithm()), blobIds, bound.evidenceDigest(), bound.policyDigest(),
        OpenVerifyStep.RECEIPT_FILE, opened.logIndex(), model, metrics), run);
    return new CohortOutcome(kind, task.taskId(), algorithmName(), seriesUids, blobIds,
        model == null ? null : model.id(), model == null ? null : model.digest(), metrics, opened.logIndex(),
        opened.receiptFile(), recordFile, run.resumedSteps());
  }

  private static RecordStep.ModelRef modelOf(ResultPayload payload) {
    if (payload instanceof ResultPayload.Training t) return new RecordStep.ModelRef(t.model().id(), t.model().digest());
    if (payload instanceof ResultPayload.Evaluation ev && ev.model() != null) {
      return new RecordStep.ModelRef(ev.model().id(), ev.model().digest());
    }
    return null;
  }

  private String algorithmName() {
    return parts.algorithm().id() + "@" + parts.algorithm().version();
  }

  /** Builder; gateway, site key, source, destination and algorithm are required. */
  public static final class Builder {
    private GatewaySession gateway;
    private KemKeyPair siteKey;
    private SeriesSource source;
    private SegDestination destination;
    private TaskReceipt.Algorithm algorithm;
    private Map<String, String> parameters = Map.of();
    private Duration taskTimeout = Duration.ofMinutes(30);
    private SegmentationType segType = SegmentationType.BINARY;
    private Clock clock = Clock.systemUTC();
    private PipelineListener listener = PipelineListener.SILENT;
    private org.secaimed.connector.provenance.SealedInputs sealedInputs;
    private boolean streamedIngest = true;

    public Builder gateway(GatewaySession v) { this.gateway = v; return this; }
    public Builder siteKey(KemKeyPair v) { this.siteKey = v; return this; }
    public Builder source(SeriesSource v) { this.source = v; return this; }
    public Builder destination(SegDestination v) { this.destination = v; return this; }
    public Builder algorithm(TaskReceipt.Algorithm v) { this.algorithm = v; return this; }
    public Builder parameters(Map<String, String> v) { this.parameters = Map.copyOf(v); return this; }
    public Builder taskTimeout(Duration v) { this.taskTimeout = v; return this; }
    public Builder segmentationType(SegmentationType v) { this.segType = v; return this; }
    public Builder clock(Clock v) { this.clock = v; return this; }
    public Builder listener(PipelineListener v) { this.listener = v; return this; }
    /** Where each sealed input is recorded (blob, series, study, policy), so that {@code provenance study} finds the series. */
    public Builder sealedInputs(org.secaimed.connector.provenance.SealedInputs v) { this.sealedInputs = v; return this; }
    /**
     * Whether a segmentation's task is submitted against its upload and reads the series while it
     * arrives (default; protocol v2 sessions only), or after the whole series is uploaded.
     */
    public Builder streamedIngest(boolean v) { this.streamedIngest = v; return this; }

    /** Fails with a message naming the first missing part. */
    public BridgePipeline build() {
      return new BridgePipeline(this);
    }
  }
}
