package org.secaimed.dicom.pipeline;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.secaimed.connector.gateway.AttestedEnclave;
import org.secaimed.connector.gateway.GatewayException;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.gateway.UploadedBlob;
import org.secaimed.connector.party.UsagePolicy;
import org.secaimed.connector.provenance.SealedInputs;
import org.secaimed.dicom.exchange.InstanceRecord;
import org.secaimed.dicom.exchange.StudyArchiveWriter;
import org.secaimed.dicom.exchange.StudyManifest;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.pipeline.JournalEntry.Uploaded;
import org.secaimed.dicom.pipeline.PipelineException.Step;

/**
 * Step 3: one series (and, for training and evaluation, the SEGs that reference it) pulled into
 * memory instance by instance, written into the study archive inside the sealing stream, and
 * uploaded as the ciphertext fills parts. The geometry is checked before the archive is finished,
 * so a bad series is never uploaded.
 */
final class PullSealStep {
  private PullSealStep() {}

  /** The uploaded blob; {@code headers} is null when the upload was found in the journal (headers are never stored). */
  record UploadedSeries(String blobId, Map<String, String> instances, long plaintextBytes, long sealedBytes,
      double sealSeconds, AssembledSeries headers) {}

  static UploadedSeries run(JobParts parts, AttestedEnclave enclave, String seriesUid, boolean withReferenceSegs, RunFolder run)
      throws IOException {
    var done = run.journal().find(Uploaded.class);
    if (done.isPresent()) {
      Uploaded u = done.get();
      run.resumed("upload");
      parts.listener().stepResumed(Step.UPLOAD, "blob " + u.blobId());
      return new UploadedSeries(u.blobId(), InstanceList.read(run.dir(), u.instancesSha256()), u.plaintextBytes(),
          u.sealedBytes(), 0, null);
    }
    UsagePolicy policy;
    try {
      policy = parts.gateway().uploadPolicy();
    } catch (GatewayException e) {
      throw new PipelineException(Step.UPLOAD, seriesUid, e.getMessage(), e);
    }
    return sealAndRecord(parts, seriesUid, withReferenceSegs, run, policy, writer -> parts.gateway().sealAndUpload(enclave, policy, writer));
  }

  /** Where the sealed series goes: a new upload, or one a task already reads (streamed ingest). */
  @FunctionalInterface
  interface Uploader {
    UploadedBlob upload(GatewaySession.PlaintextWriter writer) throws GatewayException, IOException;
  }

  /**
   * Pulls the series into the archive inside the sealing stream {@code uploader} gives, checks its
   * geometry before the archive is finished, and journals the upload ({@link Uploaded}) with the
   * instance list; {@code policy} is what the upload is sealed under (null for protocol v1).
   */
  static UploadedSeries sealAndRecord(JobParts parts, String seriesUid, boolean withReferenceSegs, RunFolder run, UsagePolicy policy,
      Uploader uploader) throws IOException {
    parts.listener().stepStarted(Step.SEAL, "series " + seriesUid + " from " + parts.source().describe());
    SeriesHeaders headers = new SeriesHeaders();
    AtomicLong bytes = new AtomicLong();
    AtomicInteger count = new AtomicInteger();
    AtomicReference<StudyManifest> manifest = new AtomicReference<>();
    AtomicReference<AssembledSeries> assembled = new AtomicReference<>();
    long started = System.nanoTime();
    UploadedBlob blob;
    try {
      blob = uploader.upload(plaintext -> {
        StudyArchiveWriter archive = StudyArchiveWriter.open(plaintext);
        parts.source().forEachInstance(seriesUid, (uid, part10) -> {
          headers.add(part10, uid);
          archive.handOver(uid, part10); // hashed beside the next pull when a core is spare (HashPlacement.AUTO)
          parts.listener().instanceSealed(count.incrementAndGet(), bytes.addAndGet(part10.length));
        });
        assembled.set(headers.assemble(seriesUid));
        if (withReferenceSegs) addReferenceSegs(parts, seriesUid, archive, count, bytes);
        manifest.set(archive.finish());
      });
    } catch (GatewayException e) {
      throw new PipelineException(Step.UPLOAD, seriesUid, e.getMessage(), e);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    Map<String, String> instances = new TreeMap<>();
    for (InstanceRecord r : manifest.get().instances()) instances.put(r.sopInstanceUid(), r.sha256());
    String instancesSha = InstanceList.write(run.dir(), instances);
    // Before the journal: a crash in between re-uploads (a new blob) rather than leaving a blob unrecorded.
    recordSealed(parts, blob, policy, seriesUid, assembled.get(), instances.size());
    run.journal().record(new Uploaded(blob.blobId(), instancesSha, instances.size(), bytes.get(), blob.length()));
    parts.listener().stepFinished(Step.UPLOAD, instances.size() + " instances, " + bytes.get() + " bytes sealed to "
        + blob.length() + " bytes, blob " + blob.blobId());
    return new UploadedSeries(blob.blobId(), instances, bytes.get(), blob.length(), seconds, assembled.get());
  }

  /**
   * The site's record of this upload (series and study UIDs, blob, policy, count; no other patient
   * data), read by {@code secaimed provenance study --series}. Only protocol v2 uploads: a v1 blob
   * has no owner the enclave could answer for.
   */
  private static void recordSealed(JobParts parts, UploadedBlob blob, UsagePolicy policy, String seriesUid, AssembledSeries headers,
      int instances) throws IOException {
    if (parts.sealedInputs() == null || policy == null) return;
    String study = headers == null ? null : headers.context().studyInstanceUid();
    parts.sealedInputs().record(new SealedInputs.Entry(blob.blobId(), List.of(seriesUid), study == null ? List.of() : List.of(study),
        policy.digest(), policy.purposes(), policy.taskKinds(), instances, parts.clock().instant().toString()));
  }

  private static void addReferenceSegs(JobParts parts, String seriesUid, StudyArchiveWriter archive, AtomicInteger count,
      AtomicLong bytes) throws IOException {
    int before = count.get();
    parts.source().forEachReferencingSeg(seriesUid, (uid, part10) -> {
      archive.handOver(uid, part10);
      parts.listener().instanceSealed(count.incrementAndGet(), bytes.addAndGet(part10.length));
    });
    if (count.get() == before) {
      throw new PipelineException(Step.PULL, seriesUid, "no SEG in its study references this series; training and"
          + " evaluation need a reference segmentation per series");
    }
  }
}
