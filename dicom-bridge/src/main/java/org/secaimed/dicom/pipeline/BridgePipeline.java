package org.secaimed.dicom.pipeline;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.secaimed.connector.gateway.AttestedEnclave;
import org.secaimed.connector.gateway.GatewayException;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.gateway.SubmittedTask;
import org.secaimed.connector.gateway.TaskSpec;
import org.secaimed.connector.gateway.UploadedBlob;
import org.secaimed.connector.gateway.VerifiedResult;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.dicom.exchange.InstanceRecord;
import org.secaimed.dicom.exchange.Metric;
import org.secaimed.dicom.exchange.ResultPayload;
import org.secaimed.dicom.exchange.ResultPayloads;
import org.secaimed.dicom.exchange.StudyArchiveWriter;
import org.secaimed.dicom.exchange.StudyManifest;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.pipeline.PipelineException.Step;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.seg.Segmentation;
import org.secaimed.dicom.seg.SegmentationBuilder;
import org.secaimed.dicom.seg.SegmentationType;

/**
 * Runs one segmentation job for one series, as DESIGN.md §3 describes: resolve → attest →
 * pull+seal → submit → await → open+verify → write back → record.
 *
 * <p>Every completed step is written to a {@link RunJournal} in the series' run folder, so a
 * restarted operator resumes where it stopped: an uploaded blob is not uploaded again, a submitted
 * task is not submitted again (and the gateway's idempotency key catches the window between submit
 * and journal), and a SEG is built with UIDs seeded by the task so that storing it again replaces
 * rather than duplicates it.
 *
 * <p>Plaintext never touches the disk: instances go from the source into the sealing stream in
 * memory; the result is opened in memory; the run folder holds only identifiers, digests, the
 * receipt and the log checkpoint.
 */
public final class BridgePipeline {
  static final String INSTANCES_FILE = "instances.json";
  static final String RECEIPT_FILE = "receipt.json";
  static final String RECORD_FILE = "record.json";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final GatewaySession gateway;
  private final KemKeyPair siteKey;
  private final SeriesSource source;
  private final SegDestination destination;
  private final TaskReceipt.Algorithm algorithm;
  private final Map<String, String> parameters;
  private final Duration taskTimeout;
  private final SegmentationType segType;
  private final Clock clock;
  private final PipelineListener listener;

  private BridgePipeline(Builder b) {
    this.gateway = Objects.requireNonNull(b.gateway, "gateway");
    this.siteKey = Objects.requireNonNull(b.siteKey, "siteKey");
    this.source = Objects.requireNonNull(b.source, "source");
    this.destination = Objects.requireNonNull(b.destination, "destination");
    this.algorithm = Objects.requireNonNull(b.algorithm, "algorithm");
    this.parameters = Map.copyOf(b.parameters);
    this.taskTimeout = b.taskTimeout;
    this.segType = b.segType;
    this.clock = b.clock;
    this.listener = b.listener;
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
    for (var a : gateway.client().algorithms()) {
      if (algorithmId.equals(a.getId()) && (version == null || version.equals(a.getVersion()))) {
        return new TaskReceipt.Algorithm(a.getId(), a.getVersion(), a.getDigest());
      }
    }
    throw new PipelineException(Step.RESOLVE, algorithmId, "the gateway offers no algorithm '" + algorithmId + "'"
        + (version == null ? "" : " version " + version));
  }

  /** Runs (or resumes) the job for one series in {@code runDir}. */
  public SeriesOutcome segmentSeries(String seriesUid, Path runDir) throws IOException {
    RunJournal journal = RunJournal.open(runDir, clock);
    List<String> resumed = new ArrayList<>();

    // 2. attest — every run: data and results move only under a fresh, accepted attestation.
    listener.stepStarted(Step.ATTEST, "fresh nonce, policy " + "checks");
    AttestedEnclave enclave;
    try {
      enclave = gateway.attest();
    } catch (GatewayException e) {
      throw new PipelineException(Step.ATTEST, seriesUid, e.getMessage(), e);
    }
    String signingKeyDigest = sha256Hex(enclave.signingKey().getEncoded());
    if (journal.isDone(RunJournal.Step.SUBMITTED)) {
      String before = journal.completed(RunJournal.Step.ATTESTED).map(f -> f.get("signingKeySha256")).orElse(null);
      if (!signingKeyDigest.equals(before)) {
        throw new PipelineException(Step.ATTEST, seriesUid, "the enclave's signing key changed since the task was submitted;"
            + " its receipt cannot be checked against this attestation (start a new run to resubmit)");
      }
    } else {
      journal.record(RunJournal.Step.ATTESTED, Map.of(
          "evidenceDigest", enclave.evidenceDigest(),
          "policyDigest", enclave.policyDigest(),
          "signingKeySha256", signingKeyDigest,
          "kemKeyId", enclave.kemKey().keyId(),
          "insecure", Boolean.toString(enclave.insecure())));
    }
    listener.stepFinished(Step.ATTEST, (enclave.insecure() ? "INSECURE dev enclave" : "enclave")
        + " measurement " + enclave.measurement().orElse("(composite)") + ", evidence " + enclave.evidenceDigest());

    // 3. pull + seal + upload.
    AssembledSeries headers = null;
    String blobId;
    Map<String, String> instances;
    long plaintextBytes;
    long sealedBytes;
    double sealSeconds = 0;
    var uploaded = journal.completed(RunJournal.Step.UPLOADED);
    if (uploaded.isPresent()) {
      blobId = uploaded.get().get("blobId");
      instances = readInstances(runDir, uploaded.get().get("instancesSha256"));
      plaintextBytes = Long.parseLong(uploaded.get().get("plaintextBytes"));
      sealedBytes = Long.parseLong(uploaded.get().get("sealedBytes"));
      resumed.add("upload");
      listener.stepResumed(Step.UPLOAD, "blob " + blobId);
    } else {
      listener.stepStarted(Step.SEAL, "series " + seriesUid + " from " + source.describe());
      SeriesAssembler assembler = SeriesAssembler.create().withPixels(false);
      AtomicLong bytes = new AtomicLong();
      StudyManifest[] manifest = new StudyManifest[1];
      AssembledSeries[] assembled = new AssembledSeries[1];
      long started = System.nanoTime();
      UploadedBlob blob;
      try {
        blob = gateway.sealAndUpload(enclave, plaintext -> {
          StudyArchiveWriter archive = StudyArchiveWriter.open(plaintext);
          int[] count = {0};
          source.forEachInstance(seriesUid, (uid, part10) -> {
            addHeader(assembler, part10, uid);
            archive.add(uid, part10);
            count[0]++;
            listener.instanceSealed(count[0], bytes.addAndGet(part10.length));
          });
          // Geometry is checked before the archive is finished: a bad series is never uploaded.
          assembled[0] = assemble(assembler, seriesUid);
          manifest[0] = archive.finish();
        });
      } catch (GatewayException e) {
        throw new PipelineException(Step.UPLOAD, seriesUid, e.getMessage(), e);
      }
      sealSeconds = (System.nanoTime() - started) / 1e9;
      headers = assembled[0];
      blobId = blob.blobId();
      plaintextBytes = bytes.get();
      sealedBytes = blob.length();
      instances = new TreeMap<>();
      for (InstanceRecord r : manifest[0].instances()) instances.put(r.sopInstanceUid(), r.sha256());
      String instancesSha = writeInstances(runDir, instances);
      journal.record(RunJournal.Step.UPLOADED, Map.of("blobId", blobId, "instancesSha256", instancesSha,
          "instances", Integer.toString(instances.size()), "plaintextBytes", Long.toString(plaintextBytes),
          "sealedBytes", Long.toString(sealedBytes)));
      listener.stepFinished(Step.UPLOAD, instances.size() + " instances, " + plaintextBytes + " bytes sealed to "
          + sealedBytes + " bytes, blob " + blobId);
    }

    // 4. submit (idempotent: the key is derived from what is submitted).
    TaskSpec spec = new TaskSpec("segmentation", algorithm, List.of(blobId), parameters, Map.of(blobId, instances));
    SubmittedTask task;
    var submitted = journal.completed(RunJournal.Step.SUBMITTED);
    var attested = journal.completed(RunJournal.Step.ATTESTED).orElseThrow();
    if (submitted.isPresent()) {
      task = new SubmittedTask(submitted.get().get("taskId"), spec, siteKey.publicKey().keyId(),
          attested.get("evidenceDigest"), attested.get("policyDigest"));
      resumed.add("submit");
      listener.stepResumed(Step.SUBMIT, "task " + task.taskId());
    } else {
      listener.stepStarted(Step.SUBMIT, algorithm.id() + " " + algorithm.version());
      String idempotencyKey = "secaimed-" + sha256Hex((runDir.toAbsolutePath() + "|" + seriesUid + "|" + blobId + "|" + algorithm.digest())
          .getBytes(StandardCharsets.UTF_8)).substring(0, 32);
      try {
        task = gateway.submit(enclave, spec, siteKey.publicKey(), idempotencyKey);
      } catch (GatewayException e) {
        throw new PipelineException(Step.SUBMIT, seriesUid, e.getMessage(), e);
      }
      journal.record(RunJournal.Step.SUBMITTED, Map.of("taskId", task.taskId(), "idempotencyKey", idempotencyKey));
      listener.stepFinished(Step.SUBMIT, "task " + task.taskId());
    }

    // 5. await.
    if (journal.isDone(RunJournal.Step.COMPLETED)) {
      resumed.add("await");
      listener.stepResumed(Step.AWAIT, "task " + task.taskId() + " already finished");
    } else {
      listener.stepStarted(Step.AWAIT, "task " + task.taskId());
      try {
        gateway.await(task, taskTimeout, t -> listener.taskProgress(t.getTaskId(), t.getState().getValue(),
            t.getProgress() == null ? 0 : t.getProgress()));
      } catch (GatewayException e) {
        throw new PipelineException(Step.AWAIT, task.taskId(), e.getMessage(), e);
      }
      journal.record(RunJournal.Step.COMPLETED, Map.of("taskId", task.taskId()));
      listener.stepFinished(Step.AWAIT, "task " + task.taskId() + " succeeded");
    }

    // 6. open + verify: receipt signature, contents, log inclusion and consistency, then decrypt.
    listener.stepStarted(Step.OPEN_VERIFY, "task " + task.taskId());
    ResultPayload payload;
    TaskReceipt receipt;
    long logIndex;
    Path receiptFile = runDir.resolve(RECEIPT_FILE);
    try (VerifiedResult result = gateway.fetchVerified(enclave, task)) {
      receipt = result.receipt();
      logIndex = result.bundle().leafIndex();
      writeAtomically(receiptFile, tmp -> result.bundle().write(tmp));
      try (InputStream plaintext = result.open(siteKey)) {
        payload = ResultPayloads.read(plaintext);
      }
    } catch (GatewayException e) {
      throw new PipelineException(Step.OPEN_VERIFY, task.taskId(), e.getMessage(), e);
    }
    if (!(payload instanceof ResultPayload.Segmentation segmentation)) {
      throw new PipelineException(Step.OPEN_VERIFY, task.taskId(), "expected a segmentation result, got " + payload.kind());
    }
    if (!journal.isDone(RunJournal.Step.RESULT_VERIFIED)) {
      journal.record(RunJournal.Step.RESULT_VERIFIED, Map.of("receiptSha256", sha256Hex(Files.readAllBytes(receiptFile)),
          "logIndex", Long.toString(logIndex)));
    }
    listener.stepFinished(Step.OPEN_VERIFY, "receipt verified, log index " + logIndex + ", "
        + segmentation.segments().size() + " segments");

    // 7. write back.
    listener.stepStarted(Step.WRITE_BACK, destination.describe());
    if (headers == null) headers = reassemble(seriesUid, instances);
    Segmentation seg = buildSeg(headers, segmentation, task, receipt);
    String storedAt;
    var stored = journal.completed(RunJournal.Step.STORED);
    if (stored.isPresent() && seg.sopInstanceUid().equals(stored.get().get("segSopInstanceUid"))) {
      storedAt = destination.describe();
      resumed.add("write-back");
      listener.stepResumed(Step.WRITE_BACK, "SEG " + seg.sopInstanceUid() + " already stored");
    } else {
      journal.record(RunJournal.Step.SEG_WRITTEN, Map.of("segSopInstanceUid", seg.sopInstanceUid(),
          "segSeriesInstanceUid", seg.seriesInstanceUid(), "frames", Integer.toString(seg.frameCount())));
      storedAt = destination.store(seg);
      journal.record(RunJournal.Step.STORED, Map.of("segSopInstanceUid", seg.sopInstanceUid()));
      listener.stepFinished(Step.WRITE_BACK, "SEG " + seg.sopInstanceUid() + " (" + seg.frameCount() + " frames) -> " + storedAt);
    }

    // 8. record.
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (Metric m : segmentation.metrics()) metrics.put(m.name(), m.value());
    Path recordFile = runDir.resolve(RECORD_FILE);
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("seriesInstanceUid", seriesUid);
    record.put("taskId", task.taskId());
    record.put("algorithm", Map.of("id", algorithm.id(), "version", algorithm.version(), "digest", algorithm.digest()));
    record.put("blobId", blobId);
    record.put("evidenceDigest", attested.get("evidenceDigest"));
    record.put("policyDigest", attested.get("policyDigest"));
    record.put("enclaveInsecure", enclave.insecure());
    record.put("receipt", RECEIPT_FILE);
    record.put("logIndex", logIndex);
    record.put("seg", Map.of("sopInstanceUid", seg.sopInstanceUid(), "seriesInstanceUid", seg.seriesInstanceUid(),
        "frames", seg.frameCount()));
    record.put("storedAt", storedAt);
    writeAtomically(recordFile, tmp -> JSON.writeValue(tmp.toFile(), record));
    if (!journal.isDone(RunJournal.Step.RECORDED)) {
      journal.record(RunJournal.Step.RECORDED, Map.of("recordSha256", sha256Hex(Files.readAllBytes(recordFile))));
    }

    List<String> segmentLabels = segmentation.segments().stream().map(SegmentDescription::label).toList();
    return new SeriesOutcome(seriesUid, task.taskId(), algorithm.id() + "@" + algorithm.version(),
        enclave.measurement().orElse(null), enclave.insecure(), attested.get("evidenceDigest"), instances.size(),
        plaintextBytes, sealedBytes, sealSeconds, blobId, logIndex, receiptFile, recordFile,
        seg.sopInstanceUid(), seg.seriesInstanceUid(), segmentLabels, metrics, storedAt, resumed);
  }

  private Segmentation buildSeg(AssembledSeries headers, ResultPayload.Segmentation result, SubmittedTask task, TaskReceipt receipt)
      throws IOException {
    try {
      return SegmentationBuilder.forSource(headers)
          .type(segType)
          .labels(result.labels(), result.segments())
          .algorithm(algorithm.id(), algorithm.version())
          .seriesDescription("secaimed " + algorithm.id())
          .contentLabel("SECAIMED")
          .contentDescription("secaimed enclave task " + task.taskId())
          // The task and the series seed every UID, and the receipt's time is the content time, so a
          // retried write-back produces the identical object and replaces rather than duplicates it.
          .uidSeed("secaimed|" + task.taskId() + "|" + headers.context().seriesInstanceUid())
          .contentDateTime(contentTime(receipt))
          .build();
    } catch (org.secaimed.dicom.seg.SegmentationException | RuntimeException e) {
      throw new PipelineException(Step.WRITE_BACK, task.taskId(), "cannot build the SEG: " + e.getMessage(), e);
    }
  }

  private static LocalDateTime contentTime(TaskReceipt receipt) {
    try {
      return LocalDateTime.ofInstant(Instant.parse(receipt.finishedAt()), ZoneOffset.UTC);
    } catch (RuntimeException e) {
      return LocalDateTime.ofInstant(Instant.EPOCH, ZoneOffset.UTC);
    }
  }

  /** After a restart the headers are pulled again (they hold patient data and were never stored). */
  private AssembledSeries reassemble(String seriesUid, Map<String, String> expected) throws IOException {
    SeriesAssembler assembler = SeriesAssembler.create().withPixels(false);
    source.forEachInstance(seriesUid, (uid, part10) -> {
      String want = expected.get(uid);
      if (want == null || !want.equals(sha256Hex(part10))) {
        throw new PipelineException(Step.WRITE_BACK, uid, "instance changed in the source since it was sealed; start a new run");
      }
      addHeader(assembler, part10, uid);
    });
    return assemble(assembler, seriesUid);
  }

  private static void addHeader(SeriesAssembler assembler, byte[] part10, String uid) throws PipelineException {
    AttributeList list = header(part10, uid);
    try {
      assembler.add(list, uid);
    } catch (org.secaimed.dicom.geometry.SeriesAssemblyException e) {
      throw new PipelineException(Step.PULL, uid, e.getMessage(), e);
    }
  }

  private static AssembledSeries assemble(SeriesAssembler assembler, String seriesUid) throws PipelineException {
    try {
      return assembler.assemble();
    } catch (org.secaimed.dicom.geometry.SeriesAssemblyException e) {
      throw new PipelineException(Step.PULL, seriesUid, e.getMessage(), e);
    }
  }

  private static AttributeList header(byte[] part10, String uid) throws PipelineException {
    AttributeList list = new AttributeList();
    try {
      // The whole instance is parsed (it is in memory anyway): the assembler checks the pixel data too.
      list.read(new DicomInputStream(new ByteArrayInputStream(part10)));
    } catch (DicomException | IOException | RuntimeException e) {
      throw new PipelineException(Step.PULL, uid, "cannot parse DICOM header: " + e.getMessage(), e);
    }
    return list;
  }

  private static String writeInstances(Path runDir, Map<String, String> instances) throws IOException {
    Path file = runDir.resolve(INSTANCES_FILE);
    writeAtomically(file, tmp -> JSON.writeValue(tmp.toFile(), instances));
    return sha256Hex(Files.readAllBytes(file));
  }

  private static Map<String, String> readInstances(Path runDir, String expectedSha) throws IOException {
    Path file = runDir.resolve(INSTANCES_FILE);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new PipelineException(Step.RESOLVE, file.toString(), "the journal says the upload completed but its instance list is missing", e);
    }
    if (!sha256Hex(bytes).equals(expectedSha)) {
      throw new PipelineException(Step.RESOLVE, file.toString(), "instance list does not match the journal's digest");
    }
    return JSON.readValue(bytes, new TypeReference<TreeMap<String, String>>() {});
  }

  @FunctionalInterface
  private interface FileWriter {
    void write(Path tmp) throws IOException;
  }

  private static void writeAtomically(Path target, FileWriter writer) throws IOException {
    Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".partial");
    try {
      writer.write(tmp);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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

    public BridgePipeline build() {
      return new BridgePipeline(this);
    }
  }
}
