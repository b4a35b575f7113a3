package org.secaimed.dicom.exchange;

import org.secaimed.connector.io.Digests;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import org.apache.commons.io.output.CloseShieldOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.secaimed.dicom.exchange.StudyArchiveException.Reason;

/**
 * Writes DICOM instances into a study archive one at a time (site side, usually straight into a
 * sealing stream). Only the instance being added is ever held; the manifest is built as it goes.
 *
 * <p>{@link #close()} writes the manifest and closes the sink, so a sealing sink seals its last
 * chunk. If any add failed, close() leaves the archive without a manifest, which every reader
 * rejects as {@link Reason#TRUNCATED}: a half-written study can never pass as complete.
 */
public final class StudyArchiveWriter implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Below this, handing the hash to another thread costs more than it saves. */
  static final int BESIDE_THRESHOLD = 128 << 10;
  /**
   * A handed-over instance up to this size may still be hashing when {@link #handOver} returns;
   * a larger one is joined first, so the writer never keeps more than this much of the caller's
   * data alive beside what the caller holds (bounded heap for multi-frame instances).
   */
  static final int MAX_PENDING_BYTES = 16 << 20;
  /** Daemon helpers shared by every writer (one per concurrently added instance, idle ones expire). */
  private static final ExecutorService DIGESTERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "secaimed-instance-digest");
    t.setDaemon(true);
    return t;
  });

  private final OutputStream sink;
  /** Null: hash on the caller's thread. */
  private final Executor digesters;
  private final TarArchiveOutputStream tar;
  private final List<InstanceRecord> records = new ArrayList<>();
  /** The last handed-over instance, whose digest may still be computing; joined before any other record is added. */
  private Pending pending;
  private final Set<String> uids = new HashSet<>();
  private boolean failed;
  private boolean closed;

  private record Pending(String sopInstanceUid, long length, Future<String> digest) {}

  private StudyArchiveWriter(OutputStream sink, Executor digesters) throws IOException {
    this.sink = sink;
    this.digesters = digesters;
    this.tar = new TarArchiveOutputStream(sink, StandardCharsets.UTF_8.name());
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    Map<String, Object> marker = new LinkedHashMap<>();
    marker.put("format", StudyArchiveFormat.FORMAT_NAME);
    marker.put("version", StudyArchiveFormat.VERSION);
    writeSmallEntry(StudyArchiveFormat.FORMAT_ENTRY, JSON.writeValueAsBytes(marker), Map.of());
  }

  /** Starts an archive on {@code sink}; the writer owns the sink from now on. */
  public static StudyArchiveWriter open(OutputStream sink) throws IOException {
    return open(sink, HashPlacement.AUTO);
  }

  /**
   * Where the SHA-256 of an instance of {@value #BESIDE_THRESHOLD} bytes or more is computed.
   * A helper thread only pays with a core to spare: on a 2-core host the pulling thread, the
   * sealing workers and the PACS or the enclave already keep both busy, and there the hash on
   * the pulling thread was measured faster, both for a bare WADO-RS pull and for the whole
   * pull + seal + upload step (docs/benchmarks.md "Hashing each instance").
   */
  public enum HashPlacement {
    /** {@link #BESIDE} with 3 or more available processors (a container's CPU limit counts), else {@link #READING_THREAD}. */
    AUTO,
    /** On the caller's thread, after copying the instance into the archive. */
    READING_THREAD,
    /** On a helper thread, beside the copy (and, for {@link #handOver}, beside the next instance's pull). */
    BESIDE
  }

  /** As {@link #open(OutputStream)} with the hash where {@code placement} says (benchmarks compare them). */
  public static StudyArchiveWriter open(OutputStream sink, HashPlacement placement) throws IOException {
    boolean beside = placement == HashPlacement.BESIDE
        || placement == HashPlacement.AUTO && Runtime.getRuntime().availableProcessors() >= 3;
    return new StudyArchiveWriter(sink, beside ? DIGESTERS : null);
  }

  /** As {@link #open(OutputStream)}, hashing on {@code digesters} (tests hold the hashes back with it). */
  static StudyArchiveWriter open(OutputStream sink, Executor digesters) throws IOException {
    return new StudyArchiveWriter(sink, digesters);
  }

  /** Adds a Part 10 instance, reading its SOP Instance UID from the header (which also proves it is DICOM). */
  public InstanceRecord add(byte[] part10) throws IOException {
    ensureOpen();
    String uid;
    try {
      uid = DicomHeaders.sopInstanceUid(part10, "instance #" + (uids.size() + 1));
    } catch (StudyArchiveException e) {
      failed = true;
      throw e;
    }
    return add(uid, part10);
  }

  /**
   * Adds a Part 10 instance whose SOP Instance UID the caller already knows and returns its record.
   * An instance of {@value #BESIDE_THRESHOLD} bytes or more is hashed on a helper thread while
   * this thread copies it into the archive (where it is compressed and sealed). Both only read
   * {@code part10}, and both are done before this returns, so the caller may reuse the array
   * afterwards. A puller that allocates a fresh array per instance should {@link #handOver} it.
   */
  public InstanceRecord add(String sopInstanceUid, byte[] part10) throws IOException {
    joinPending();
    if (part10.length < BESIDE_THRESHOLD || digesters == null) {
      return recorded(write(sopInstanceUid, part10.length, bytesOf(part10)), Digests.sha256Hex(part10));
    }
    Future<String> digest = hashBeside(part10);
    try {
      return recorded(write(sopInstanceUid, part10.length, bytesOf(part10)), joined(digest, sopInstanceUid));
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    } finally {
      digest.cancel(false); // a no-op after success; after a failure the hash is not wanted
    }
  }

  /**
   * Adds a Part 10 instance whose array the caller hands over for good: the caller must never
   * modify {@code part10} again (a puller that allocates each instance afresh, as the pipeline's
   * series sources do; an array changed anyway yields a digest the enclave's reader refuses).
   * Like {@link #add(String, byte[])} the hash of a large instance runs on a helper thread beside
   * the copy into the archive, but it may still be running when this returns,
   * so the caller already fetches the next instance while the hash finishes: on the pulling thread
   * the hash cost about 40 % of WADO-RS throughput, and waiting for it at the end of each add
   * still left most of that cost in place when the copy is cheap (no compression). At most one
   * instance of up to {@value #MAX_PENDING_BYTES} bytes is pending; its record appears in
   * {@link #records()} and the manifest once it is joined (by the next add, records() or finish()).
   */
  public void handOver(String sopInstanceUid, byte[] part10) throws IOException {
    if (part10.length < BESIDE_THRESHOLD || part10.length > MAX_PENDING_BYTES || digesters == null) {
      add(sopInstanceUid, part10);
      return;
    }
    joinPending();
    Future<String> digest = hashBeside(part10);
    try {
      write(sopInstanceUid, part10.length, bytesOf(part10));
    } catch (IOException | RuntimeException e) {
      digest.cancel(false);
      throw e;
    }
    pending = new Pending(sopInstanceUid, part10.length, digest);
  }

  /**
   * Streams an instance of known length into the archive, hashing while copying, so instances that
   * arrive as streams never need a buffer of their own.
   */
  public InstanceRecord add(String sopInstanceUid, long length, InputStream data) throws IOException {
    joinPending();
    // Hashed on the fly: the digest goes into the manifest at the end, so a streamed instance is
    // read exactly once. Readers hash again and compare with the manifest.
    MessageDigest md = Digests.sha256();
    return recorded(write(sopInstanceUid, length, target -> copy(data, new DigestOutputStream(target, md), length)), Digests.hex(md));
  }

  private Future<String> hashBeside(byte[] part10) {
    FutureTask<String> digest = new FutureTask<>(() -> Digests.sha256Hex(part10));
    digesters.execute(digest);
    return digest;
  }

  /** Appends the record of the entry just written: only ever in archive order. */
  private InstanceRecord recorded(Entry written, String sha256) {
    InstanceRecord record = new InstanceRecord(written.sopInstanceUid(), sha256, written.length());
    records.add(record);
    return record;
  }

  /** Waits for the handed-over instance's digest and records it; the writer is failed if hashing failed. */
  private void joinPending() throws IOException {
    Pending p = pending;
    if (p == null) return;
    pending = null;
    try {
      recorded(new Entry(p.sopInstanceUid(), p.length()), joined(p.digest(), p.sopInstanceUid()));
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
  }

  private record Entry(String sopInstanceUid, long length) {}

  /** Copies an entry's bytes into the archive and says how many it copied. */
  @FunctionalInterface
  private interface Body {
    long copyTo(OutputStream target) throws IOException;
  }

  /** An array written straight into the archive: no intermediate buffer, so each byte is copied once. */
  private static Body bytesOf(byte[] part10) {
    return target -> {
      target.write(part10, 0, part10.length);
      return part10.length;
    };
  }

  /** Writes one entry's header and bytes; records nothing. */
  private Entry write(String sopInstanceUid, long length, Body body) throws IOException {
    ensureOpen();
    String where = sopInstanceUid;
    try {
      if (!DicomUids.isValid(sopInstanceUid)) {
        throw new StudyArchiveException(Reason.NOT_DICOM, String.valueOf(sopInstanceUid), "invalid SOP Instance UID");
      }
      if (!uids.add(sopInstanceUid)) {
        throw new StudyArchiveException(Reason.DUPLICATE_INSTANCE, where, "instance added twice");
      }
      TarArchiveEntry entry = new TarArchiveEntry(StudyArchiveFormat.instanceEntryName(uids.size()));
      entry.setSize(length);
      entry.setMode(0600);
      entry.setModTime(0L);
      entry.addPaxHeader(StudyArchiveFormat.PAX_SOP_INSTANCE_UID, sopInstanceUid);
      tar.putArchiveEntry(entry);
      long copied = body.copyTo(CloseShieldOutputStream.wrap(tar));
      if (copied != length) {
        throw new StudyArchiveException(Reason.TRUNCATED, where, "instance stream ended after " + copied + " of " + length + " bytes");
      }
      tar.closeArchiveEntry();
      return new Entry(sopInstanceUid, length);
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
  }

  private static String joined(Future<String> digest, String where) throws IOException {
    try {
      return digest.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while hashing instance " + where);
    } catch (ExecutionException e) {
      throw new IOException("hashing instance " + where + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (java.util.concurrent.CancellationException e) {
      throw new IOException("hashing instance " + where + " was cancelled", e);
    }
  }

  /** The instances written so far (waits for a handed-over instance's digest). */
  public List<InstanceRecord> records() throws IOException {
    joinPending();
    return List.copyOf(records);
  }

  /** Writes the manifest and closes the sink; returns the manifest. Idempotent. */
  public StudyManifest finish() throws IOException {
    if (!closed && !failed) joinPending();
    StudyManifest manifest = new StudyManifest(records);
    if (closed) return manifest;
    closed = true;
    if (failed) {
      // No manifest: the reader will refuse the archive as truncated.
      closeQuietlyUnfinished();
      throw new StudyArchiveException(Reason.WRITER_CLOSED, null, "an earlier add failed; archive left without manifest");
    }
    List<Map<String, Object>> lines = new ArrayList<>();
    for (InstanceRecord r : records) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("sopInstanceUid", r.sopInstanceUid());
      line.put("sha256", r.sha256());
      line.put("length", r.length());
      lines.add(line);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("instanceCount", records.size());
    body.put("instances", lines);
    writeSmallEntry(StudyArchiveFormat.MANIFEST_ENTRY, JSON.writeValueAsBytes(body), Map.of());
    tar.finish();
    tar.close();
    return manifest;
  }

  @Override
  public void close() throws IOException {
    if (closed) return;
    if (failed) {
      closed = true;
      closeQuietlyUnfinished();
      return;
    }
    finish();
  }

  private void closeQuietlyUnfinished() throws IOException {
    // Closing the tar would write its end-of-archive blocks; an unfinished archive must stay
    // recognisably unfinished, so close the sink underneath it instead.
    sink.close();
  }

  private void ensureOpen() throws StudyArchiveException {
    if (closed || failed) throw new StudyArchiveException(Reason.WRITER_CLOSED, null, "writer already finished or failed");
  }

  private void writeSmallEntry(String name, byte[] content, Map<String, String> pax) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(content.length);
    entry.setMode(0600);
    entry.setModTime(0L);
    pax.forEach(entry::addPaxHeader);
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  private static long copy(InputStream in, OutputStream out, long limit) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    while (total < limit) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, limit - total));
      if (n < 0) break;
      out.write(buf, 0, n);
      total += n;
    }
    return total;
  }
}
