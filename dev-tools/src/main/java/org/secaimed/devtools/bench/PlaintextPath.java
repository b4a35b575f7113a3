package org.secaimed.devtools.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.secaimed.connector.gateway.GatewayClient;
import org.secaimed.connector.gateway.GatewayException;
import org.secaimed.connector.io.Digests;
import org.secaimed.connector.seal.Compression;
import org.secaimed.connector.seal.ExpansionBound;
import org.secaimed.connector.seal.SealOptions;
import org.secaimed.devtools.bench.EnclaveBenchmark.Stages;
import org.secaimed.devtools.bench.EnclaveBenchmark.Timed;
import org.secaimed.devtools.enclave.DevEnclave;
import org.secaimed.dicom.exchange.ResultPayload;
import org.secaimed.dicom.exchange.ResultPayloads;
import org.secaimed.enclave.server.algorithms.AlgorithmRunner;
import org.secaimed.enclave.server.algorithms.ProgressListener;
import org.secaimed.enclave.server.algorithms.TaskKind;
import org.secaimed.enclave.server.algorithms.TaskRequest;

/**
 * The baselines: the same pipeline without sealing. The study archive goes to the dev enclave's
 * blob API in plaintext parts, the same algorithm runs on the stored plaintext blob (flushed to
 * disk in the background, as a task does with its inputs), and the site reads the plaintext
 * result. {@link #NAIVE} is what an integration that neither seals nor compresses does;
 * {@link #COMPRESSED} compresses the archive while uploading it exactly as the confidential path
 * does before sealing (byte planes + zstd level 1, zstd workers on every core, the same encoder)
 * and decodes it with the same decoder (read ahead on a thread of its own, under the same
 * expansion bound); its result is compressed as the enclave compresses results (zstd level 1).
 * So the difference to the confidential path is sealing and the task protocol. Bench only.
 */
enum PlaintextPath {
  NAIVE(false), COMPRESSED(true);

  /** The cores the confidential path's sealing options use (SealOptions.defaults()), so both compress alike. */
  private static final int CORES = SealOptions.defaults().parallelism();
  /** What the enclave compresses results with (TaskService). */
  private static final Compression RESULT_COMPRESSION = Compression.zstd();

  private final boolean compressed;

  PlaintextPath(boolean compressed) {
    this.compressed = compressed;
  }

  /**
   * One run; {@code resultLink} carries the result from the enclave to the site (the identity on
   * loopback, a throttled stream over a simulated link: the baseline has no result download of its
   * own, so its result bytes pass through the link's downlink here).
   */
  Timed run(DevEnclave enclave, GatewayClient client, AlgorithmRunner runner, List<byte[]> study, int partSize,
      Path workDir, UnaryOperator<InputStream> resultLink) throws Exception {
    long t0 = System.nanoTime();
    String uploadId = client.createUpload(null, partSize, null).getUploadId();
    PlainParts parts = new PlainParts(client, uploadId, partSize);
    if (compressed) {
      try (OutputStream z = LinkBenchmark.STUDY_COMPRESSION.newEncoder(org.apache.commons.io.output.CloseShieldOutputStream.wrap(parts), CORES)) {
        EnclaveBenchmark.writeArchive(study, z);
      }
    } else {
      EnclaveBenchmark.writeArchive(study, parts);
    }
    String blobId = parts.complete();
    long t1 = System.nanoTime();
    enclave.flushBlobInBackground(blobId);
    var d = runner.catalogue().find(EnclaveBenchmark.ALGORITHM).orElseThrow();
    Path result = Files.createTempFile(workDir, "baseline-result-", ".bin");
    try {
      // Buffered like the opening stream of the confidential path (1 MiB chunks), so neither path pays for tiny reads.
      try (InputStream in = decodedStudy(new BufferedInputStream(
              Files.newInputStream(enclave.stateDir().resolve("blobs/sha256-" + blobId.substring(7))), 1 << 20));
          OutputStream out = encodedResult(new BufferedOutputStream(Files.newOutputStream(result), 1 << 20))) {
        runner.run(new TaskRequest(TaskKind.SEGMENTATION, d.id(), d.version(), d.digest(), Map.of()), List.of(in), out, ProgressListener.NONE);
      }
      long t2 = System.nanoTime();
      ResultPayload.Segmentation seg;
      try (InputStream in = decodedResult(new BufferedInputStream(resultLink.apply(Files.newInputStream(result)), 1 << 20))) {
        seg = (ResultPayload.Segmentation) ResultPayloads.read(in);
      }
      long t3 = System.nanoTime();
      return new Timed(new Stages(EnclaveBenchmark.s(t1 - t0), EnclaveBenchmark.s(t2 - t1), EnclaveBenchmark.s(t3 - t2)),
          seg.labels().labels());
    } finally {
      Files.deleteIfExists(result);
    }
  }

  /** The study as the enclave decodes it: the same decoder, read-ahead and bound as an opening stream's. */
  private InputStream decodedStudy(InputStream in) throws IOException {
    return compressed ? Compression.newDecoder(LinkBenchmark.STUDY_COMPRESSION.encoding(), in, ExpansionBound.defaults(), true) : in;
  }

  /** The result as the enclave encodes it (plain zstd level 1, every core) and the site decodes it. */
  private OutputStream encodedResult(OutputStream out) throws IOException {
    return compressed ? RESULT_COMPRESSION.newEncoder(out, CORES) : out;
  }

  private InputStream decodedResult(InputStream in) throws IOException {
    return compressed ? Compression.newDecoder(RESULT_COMPRESSION.encoding(), in, ExpansionBound.defaults(), true) : in;
  }

  /**
   * The baseline's transport: the same blob API and part size, plaintext parts (bench only). Like
   * the confidential path's part stream, up to {@link #IN_FLIGHT} parts upload in the background
   * while the next one fills, so the ratio compares sealing, not upload scheduling.
   */
  static final class PlainParts extends OutputStream {
    private final GatewayClient client;
    private final String uploadId;
    private final int partSize;
    private final MessageDigest total;
    /** As many as the confidential path's part stream (PartUploadStream.IN_FLIGHT). */
    static final int IN_FLIGHT = 2;
    private final java.util.concurrent.ExecutorService uploader = java.util.concurrent.Executors.newFixedThreadPool(IN_FLIGHT, r -> {
      Thread t = new Thread(r, "bench-plain-upload");
      t.setDaemon(true);
      return t;
    });
    private final java.util.ArrayDeque<java.util.concurrent.Future<?>> inFlight = new java.util.ArrayDeque<>();
    private byte[] buf;
    private int pos;
    private int part;
    private long length;

    PlainParts(GatewayClient client, String uploadId, int partSize) throws Exception {
      this.client = client;
      this.uploadId = uploadId;
      this.partSize = partSize;
      this.buf = new byte[partSize];
      this.total = Digests.sha256();
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        int n = Math.min(len, buf.length - pos);
        System.arraycopy(b, off, buf, pos, n);
        pos += n;
        off += n;
        len -= n;
        if (pos == buf.length) flushPart();
      }
    }

    private void flushPart() throws IOException {
      byte[] bytes = buf;
      int n = pos;
      total.update(bytes, 0, n);
      if (inFlight.size() == IN_FLIGHT) awaitOldest();
      int index = part++;
      inFlight.add(uploader.submit(() -> {
        MessageDigest md = Digests.sha256();
        md.update(bytes, 0, n);
        client.putPart(uploadId, index, bytes, n, md.digest());
        return null;
      }));
      length += n;
      buf = new byte[partSize];
      pos = 0;
    }

    private void awaitOldest() throws IOException {
      try {
        inFlight.poll().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IOException(e.getCause().getMessage(), e.getCause());
      }
    }

    @Override
    public void close() {}

    String complete() throws IOException, GatewayException {
      if (pos > 0) flushPart();
      while (!inFlight.isEmpty()) awaitOldest();
      uploader.shutdown();
      return client.completeUpload(uploadId, HexFormat.of().formatHex(total.digest()), length).getBlobId();
    }
  }
}
