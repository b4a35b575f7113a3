package org.secaimed.enclave.server.blob;

import org.secaimed.connector.io.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.secaimed.enclave.server.http.Problem;
import org.secaimed.enclave.server.state.StateDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resumable, content-addressed uploads. An upload is a folder of numbered parts; each part is
 * checked against its Content-Digest and stored write-then-move, so re-sending a part is a
 * no-op and a restart keeps every part already stored. Completing concatenates the parts,
 * checks the whole SHA-256 and moves the blob to {@code blobs/sha256-<hex>}.
 *
 * <p>A task flushes its input blobs to disk in the background ({@link #flushInBackground}) while
 * it reads them from the page cache. Without that, a study's ~150 MB of dirty pages were written
 * out by whichever fsync came next on the file system: the receipt log's append, which then took
 * 140–350 ms instead of 5 ms (ext4 commits its journal in order, and metadata changes wait for
 * it). Flushing at completion instead stalled the completion call itself for as long.
 */
public final class BlobStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BlobStore.class);
  public static final int MIN_PART_SIZE = 64 * 1024;
  public static final int MAX_PART_SIZE = 64 * 1024 * 1024;
  private static final Pattern UPLOAD_ID = Pattern.compile("upl-[0-9a-f]{32}");
  private static final Pattern BLOB_ID = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  private final StateDir state;
  private final long maxBlobBytes;
  private final String logPrefix;
  /** Null: blobs stay in {@code state/blobs}. Otherwise they live there and the state folder only caches verified copies. */
  private final SealedBlobBackend backend;
  private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();
  /** Per upload, what streamed readers wait on: notified when a part lands, a completion is claimed, or the upload ends. */
  private final ConcurrentHashMap<String, Object> signals = new ConcurrentHashMap<>();
  /** Completions claimed by their owner but perhaps not assembled yet: a streamed reader may end at the claimed length. */
  private final ConcurrentHashMap<String, Completion> claimed = new ConcurrentHashMap<>();
  /** Streamed readers per upload: its parts stay until the last one closes. */
  private final ConcurrentHashMap<String, Integer> readers = new ConcurrentHashMap<>();
  private volatile Duration stallTimeout = DEFAULT_STALL_TIMEOUT;
  private final SecureRandom random = new SecureRandom();
  private final Set<String> flushed = ConcurrentHashMap.newKeySet();
  private final ExecutorService flusher = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "enclave-blob-flush");
    t.setDaemon(true);
    return t;
  });

  /** Persistent description of an upload ({@code uploads/<id>/upload.json}). */
  public record UploadMeta(String uploadId, Long length, int partSize, String state, String blobId) {}

  /** What the API reports about an upload. */
  public record UploadStatus(String uploadId, Long length, int partSize, Integer partCount, List<Integer> receivedParts,
      String state, String blobId) {}

  public record BlobInfo(String blobId, long length) {}

  /** What an owner's completion names: the whole blob's SHA-256 (hex) and length. */
  public record Completion(String sha256Hex, long length) {}

  /** How long a streamed reader waits for the next part or the completion before its task fails (input-upload-stalled). */
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofMinutes(10);

  /** {@code logPrefix}: the evidence provider's ({@code EvidenceProvider#logPrefix}). */
  public BlobStore(StateDir state, long maxBlobBytes, String logPrefix) {
    this(state, maxBlobBytes, logPrefix, null);
  }

  /**
   * Completed blobs go to {@code backend} (ciphertext on the untrusted host's S3); upload parts stay
   * in the state folder. A blob read back is checked against its sha256 before it is used.
   */
  public BlobStore(StateDir state, long maxBlobBytes, String logPrefix, SealedBlobBackend backend) {
    this.backend = backend;
    this.state = state;
    this.maxBlobBytes = maxBlobBytes;
    this.logPrefix = logPrefix;
  }

  public UploadStatus create(Long length, int partSize, String idempotencyKey) throws IOException {
    if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
      throw new Problem("upload-part-size", 400, "Bad part size", "partSize must be " + MIN_PART_SIZE + ".." + MAX_PART_SIZE);
    }
    if (length != null && (length < 0 || length > maxBlobBytes)) {
      throw new Problem("upload-too-large", 413, "Blob too large", "length must be 0.." + maxBlobBytes);
    }
    Path keyFile = idempotencyKey == null ? null : state.idempotency().resolve("upload-" + sha256Hex(idempotencyKey));
    synchronized (this) {
      if (keyFile != null && Files.exists(keyFile)) return status(Files.readString(keyFile, StandardCharsets.UTF_8).trim());
      byte[] id = new byte[16];
      random.nextBytes(id);
      String uploadId = "upl-" + HexFormat.of().formatHex(id);
      Files.createDirectories(dir(uploadId));
      state.writeJson(dir(uploadId).resolve("upload.json"), new UploadMeta(uploadId, length, partSize, "open", null));
      if (keyFile != null) {
        Path tmp = state.newTempFile();
        Files.writeString(tmp, uploadId, StandardCharsets.UTF_8);
        StateDir.moveIntoPlace(tmp, keyFile);
      }
      return status(uploadId);
    }
  }

  public UploadStatus status(String uploadId) throws IOException {
    UploadMeta m = meta(uploadId);
    List<Integer> parts = new ArrayList<>();
    if ("open".equals(m.state())) {
      try (Stream<Path> s = Files.list(dir(uploadId))) {
        s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("part-")).map(n -> Integer.parseInt(n.substring(5)))
            .sorted().forEach(parts::add);
      }
    }
    Integer count = m.length() == null ? null : partCount(m.length(), m.partSize());
    return new UploadStatus(uploadId, m.length(), m.partSize(), count, parts, m.state(), m.blobId());
  }

  /** Stores one part after checking its size and its RFC 9530 Content-Digest ({@code sha-256=:<b64>:}). */
  public UploadStatus putPart(String uploadId, int partNumber, String contentDigest, InputStream body) throws IOException {
    UploadMeta m = meta(uploadId);
    byte[] claimed = parseContentDigest(contentDigest);
    if (partNumber < 0 || (m.length() != null && partNumber >= partCount(m.length(), m.partSize()))) {
      throw Problem.badRequest("part " + partNumber + " is outside upload " + uploadId);
    }
    if ((long) partNumber * m.partSize() >= maxBlobBytes) {
      throw new Problem("upload-too-large", 413, "Blob too large", "part " + partNumber + " exceeds the maximum blob size");
    }
    Path part = dir(uploadId).resolve(String.format("part-%06d", partNumber));
    if ("aborted".equals(m.state())) {
      // Its owner gave it up (or a task's submit was refused): the sender stops at once instead of at the completion.
      throw new Problem("upload-aborted", 409, "Upload abandoned", "upload " + uploadId + " was abandoned by its owner");
    }
    if (!"open".equals(m.state())) {
      body.transferTo(OutputStream.nullOutputStream());
      return status(uploadId);
    }
    Path tmp = state.newTempFile();
    try {
      MessageDigest md = Digests.sha256();
      long n;
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), md)) {
        n = copyAtMost(body, out, m.partSize());
      }
      if (n < 0) throw new Problem("upload-part-size", 400, "Part too large", "part " + partNumber + " exceeds partSize " + m.partSize());
      if (n == 0) throw new Problem("upload-part-size", 400, "Empty part", "part " + partNumber + " is empty");
      if (m.length() != null && n != expectedPartLength(m.length(), m.partSize(), partNumber)) {
        throw new Problem("upload-part-size", 400, "Bad part size", "part " + partNumber + " has " + n + " bytes, expected "
            + expectedPartLength(m.length(), m.partSize(), partNumber));
      }
      byte[] actual = md.digest();
      if (!MessageDigest.isEqual(actual, claimed)) {
        throw new Problem("upload-part-digest", 400, "Part digest mismatch", "part " + partNumber + " does not match its Content-Digest");
      }
      synchronized (lock(uploadId)) {
        // Read again under the lock: an abort or completion that won the race has dropped the parts.
        String now = meta(uploadId).state();
        if ("aborted".equals(now)) {
          throw new Problem("upload-aborted", 409, "Upload abandoned", "upload " + uploadId + " was abandoned by its owner");
        }
        if (!"open".equals(now)) return status(uploadId);
        if (Files.exists(part)) {
          if (!MessageDigest.isEqual(digestOf(part), actual)) {
            throw Problem.conflict("upload-part-conflict", "Part already stored with other content", "part " + partNumber + " of " + uploadId);
          }
        } else {
          StateDir.moveIntoPlace(tmp, part);
        }
      }
      signal(uploadId);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return status(uploadId);
  }

  /** Assembles the blob; idempotent: completing a completed upload with the same digest returns the same blob. */
  public BlobInfo complete(String uploadId, String sha256Hex, long length) throws IOException {
    if (sha256Hex == null || !SHA256_HEX.matcher(sha256Hex).matches()) throw Problem.badRequest("sha256 must be 64 lower-case hex digits");
    if (length < 0 || length > maxBlobBytes) throw new Problem("upload-too-large", 413, "Blob too large", "length must be 0.." + maxBlobBytes);
    synchronized (lock(uploadId)) {
      UploadMeta m = meta(uploadId);
      String blobId = "sha256:" + sha256Hex;
      if ("complete".equals(m.state())) {
        if (!blobId.equals(m.blobId())) throw new Problem("upload-digest-mismatch", 409, "Upload completed with another digest", uploadId);
        return blob(blobId);
      }
      if ("aborted".equals(m.state())) throw Problem.conflict("upload-aborted", "Upload abandoned", "upload " + uploadId + " was abandoned");
      if (m.length() != null && m.length() != length) throw Problem.badRequest("length " + length + " differs from the announced " + m.length());
      // Streamed readers may end now (they check the digest themselves); withdrawn if assembly fails.
      claimCompletion(uploadId, new Completion(sha256Hex, length));
      try {
        return assemble(uploadId, m, blobId, sha256Hex, length);
      } catch (IOException | RuntimeException e) {
        claimed.remove(uploadId);
        signal(uploadId);
        throw e;
      }
    }
  }

  private BlobInfo assemble(String uploadId, UploadMeta m, String blobId, String sha256Hex, long length) throws IOException {
    int count = partCount(length, m.partSize());
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < count; i++) if (!Files.exists(partPath(uploadId, i))) missing.add(i);
    if (!missing.isEmpty()) {
      throw new Problem("upload-incomplete", 409, "Parts missing", "upload " + uploadId + " lacks parts " + abbreviate(missing));
    }
    if (Files.exists(partPath(uploadId, count))) throw Problem.badRequest("upload " + uploadId + " has parts beyond length " + length);
    Path tmp = state.newTempFile();
    try {
      MessageDigest md = Digests.sha256();
      long total = 0;
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), md)) {
        for (int i = 0; i < count; i++) {
          long size = Files.size(partPath(uploadId, i));
          if (size != expectedPartLength(length, m.partSize(), i)) {
            throw new Problem("upload-part-size", 409, "Bad part size", "part " + i + " has " + size + " bytes for length " + length);
          }
          total += Files.copy(partPath(uploadId, i), out);
        }
      }
      if (total != length || !HexFormat.of().formatHex(md.digest()).equals(sha256Hex)) {
        throw new Problem("upload-digest-mismatch", 409, "Blob digest mismatch", "the parts of " + uploadId + " do not hash to the given sha256");
      }
      if (backend != null) {
        backend.put(objectName(blobId), tmp);
      } else if (!Files.exists(localPath(blobId))) {
        StateDir.moveIntoPlace(tmp, localPath(blobId));
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    state.writeJson(dir(uploadId).resolve("upload.json"), new UploadMeta(uploadId, length, m.partSize(), "complete", blobId));
    claimed.remove(uploadId);
    signal(uploadId);
    deletePartsUnlessRead(uploadId);
    return blob(blobId);
  }

  /**
   * The owner abandons an open upload: its parts are dropped, it can never complete, and a task
   * reading it fails with {@code input-upload-aborted}. Idempotent; a completed upload stays.
   */
  public UploadStatus abort(String uploadId) throws IOException {
    synchronized (lock(uploadId)) {
      UploadMeta m = meta(uploadId);
      if ("open".equals(m.state())) {
        state.writeJson(dir(uploadId).resolve("upload.json"), new UploadMeta(uploadId, m.length(), m.partSize(), "aborted", null));
        signal(uploadId);
        deletePartsUnlessRead(uploadId);
      }
    }
    return status(uploadId);
  }

  /**
   * The upload's bytes in order while they arrive, for a task admitted against it
   * ({@link UploadStream}); fails at once for an abandoned upload.
   */
  public UploadStream openStream(String uploadId) throws IOException {
    UploadMeta m = meta(uploadId);
    if ("aborted".equals(m.state())) {
      throw new UploadStreamException(UploadStreamException.Reason.ABORTED, "upload " + uploadId + " was abandoned by its owner");
    }
    readers.merge(uploadId, 1, Integer::sum);
    return new UploadStream(this, uploadId, m.partSize(), stallTimeout);
  }

  /** How long streamed readers wait for progress (tests shorten it). */
  public void stallTimeout(Duration timeout) {
    this.stallTimeout = timeout;
  }

  public Duration stallTimeout() {
    return stallTimeout;
  }

  /**
   * {@code sha256:<hex>} for a blob, or the upload id itself while that upload is still open;
   * 404 otherwise, and {@link UploadStreamException.Reason#ABORTED} for an abandoned upload.
   */
  public String resolveInput(String inputId) throws IOException {
    if (isUploadId(inputId)) {
      UploadMeta m = meta(inputId);
      switch (m.state()) {
        case "complete" -> {
          return m.blobId();
        }
        case "aborted" -> throw new UploadStreamException(UploadStreamException.Reason.ABORTED, "input " + inputId + " was abandoned by its owner");
        default -> {
          return inputId;
        }
      }
    }
    return blob(inputId).blobId();
  }

  /** Whether a task input names an upload in progress rather than a blob. */
  public static boolean isUploadId(String inputId) {
    return inputId != null && UPLOAD_ID.matcher(inputId).matches();
  }

  /** Lets streamed readers end at {@code c} (they check its digest themselves) while the blob is assembled. */
  void claimCompletion(String uploadId, Completion c) {
    claimed.put(uploadId, c);
    signal(uploadId);
  }

  Completion completionOf(String uploadId) throws IOException {
    Completion c = claimed.get(uploadId);
    if (c != null) return c;
    UploadMeta m = meta(uploadId);
    return "complete".equals(m.state()) ? new Completion(m.blobId().substring(7), m.length()) : null;
  }

  String assembledBlobId(String uploadId) throws IOException {
    UploadMeta m = meta(uploadId);
    return "complete".equals(m.state()) ? m.blobId() : null;
  }

  boolean isAborted(String uploadId) throws IOException {
    return "aborted".equals(meta(uploadId).state());
  }

  Path partFile(String uploadId, int i) {
    return partPath(uploadId, i);
  }

  /** Waits until something changes for the upload or the deadline ({@link System#nanoTime()}) passes; false on the deadline. */
  boolean awaitChange(String uploadId, long deadlineNanos) throws InterruptedException {
    Object s = signals.computeIfAbsent(uploadId, k -> new Object());
    synchronized (s) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) return false;
      // Bounded waits: a change that happened between the caller's check and this wait is seen within 50 ms.
      s.wait(Math.max(1, Math.min(50, left / 1_000_000)));
      return System.nanoTime() < deadlineNanos;
    }
  }

  private void signal(String uploadId) {
    Object s = signals.computeIfAbsent(uploadId, k -> new Object());
    synchronized (s) {
      s.notifyAll();
    }
  }

  void readerClosed(String uploadId) {
    Integer left = readers.computeIfPresent(uploadId, (k, n) -> n <= 1 ? null : n - 1);
    if (left == null) {
      try {
        UploadMeta m = meta(uploadId);
        if (!"open".equals(m.state())) deletePartsUnlessRead(uploadId);
      } catch (IOException | RuntimeException e) {
        LOG.warn("{}could not drop the parts of {}: {}", logPrefix, uploadId, e.toString());
      }
    }
  }

  /**
   * At start: drops the parts of uploads that ended (completed or abandoned) while a streamed reader
   * still held them when the enclave stopped; open uploads keep theirs (they resume).
   */
  public void dropPartsOfEndedUploads() throws IOException {
    try (Stream<Path> dirs = Files.list(state.uploads())) {
      for (Path d : dirs.filter(Files::isDirectory).toList()) {
        String id = d.getFileName().toString();
        if (!UPLOAD_ID.matcher(id).matches() || !Files.exists(d.resolve("upload.json"))) continue;
        if (!"open".equals(meta(id).state())) deletePartsUnlessRead(id);
      }
    }
  }

  /** Drops an ended upload's parts unless a streamed reader still reads them (the last reader drops them then). */
  private void deletePartsUnlessRead(String uploadId) throws IOException {
    synchronized (lock(uploadId)) {
      if (readers.containsKey(uploadId)) return;
      try (Stream<Path> s = Files.list(dir(uploadId))) {
        for (Path p : s.filter(f -> f.getFileName().toString().startsWith("part-")).toList()) Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Writes a stored blob through to the disk on a background thread, once per blob; returns at
   * once. Call it when the blob's bytes are about to be read anyway, ahead of the next fsync.
   */
  public void flushInBackground(String blobId) {
    Path blob = localPath(blobId);
    if (!Files.exists(blob) || !flushed.add(blobId)) return;
    try {
      flusher.execute(() -> {
        try (FileChannel ch = FileChannel.open(blob, StandardOpenOption.READ)) {
          ch.force(true);
        } catch (IOException e) {
          flushed.remove(blobId);
          LOG.warn("{}could not flush blob {} to disk: {}", logPrefix, blobId, e.toString());
        }
      });
    } catch (RejectedExecutionException e) {
      // closing: the blob stays in the page cache and reaches the disk with the kernel's writeback
    }
  }

  /** Stops flushing in the background; blobs already stored stay valid. */
  @Override
  public void close() {
    flusher.shutdown();
  }

  public BlobInfo blob(String blobId) throws IOException {
    Path p = localPath(blobId);
    if (Files.exists(p)) return new BlobInfo(blobId, Files.size(p));
    // The backend's length is only reported; the bytes are verified when read (blobPath).
    java.util.OptionalLong remote = backend == null ? java.util.OptionalLong.empty() : backend.length(objectName(blobId));
    if (remote.isEmpty()) throw new Problem("unknown-blob", 404, "Unknown blob", blobId);
    return new BlobInfo(blobId, remote.getAsLong());
  }

  /**
   * A local file holding the blob's bytes. With a backend, the blob is fetched into the state
   * folder first and refused ({@code blob-tampered}) unless its SHA-256 equals its id: the store
   * outside the TEE can withhold blobs but not change them.
   */
  public Path blobPath(String blobId) throws IOException {
    Path local = localPath(blobId);
    if (backend == null || Files.exists(local)) return local;
    synchronized (lock(blobId)) {
      if (Files.exists(local)) return local;
      Path tmp = state.newTempFile();
      try {
        if (!backend.get(objectName(blobId), tmp)) throw new Problem("unknown-blob", 404, "Unknown blob", blobId);
        if (!HexFormat.of().formatHex(digestOf(tmp)).equals(blobId.substring(7))) {
          throw new Problem("blob-tampered", 502, "Stored blob failed verification",
              blobId + " as returned by the blob store does not hash to its id; refused");
        }
        StateDir.moveIntoPlace(tmp, local);
      } finally {
        Files.deleteIfExists(tmp);
      }
      return local;
    }
  }

  private Path localPath(String blobId) {
    if (blobId == null || !BLOB_ID.matcher(blobId).matches()) throw Problem.badRequest("blob id must be sha256:<64 hex>");
    return state.blobs().resolve(objectName(blobId));
  }

  private static String objectName(String blobId) {
    return "sha256-" + blobId.substring(7);
  }

  /** Where completed blobs live, for the start-up banner. */
  public String describe() {
    return backend == null ? "state folder" : backend.describe();
  }

  /** Number of stored blobs (tests and operators check that a refused run stored none). */
  public long blobCount() throws IOException {
    if (backend != null) return backend.count();
    try (Stream<Path> s = Files.list(state.blobs())) {
      return s.count();
    }
  }

  private UploadMeta meta(String uploadId) throws IOException {
    if (uploadId == null || !UPLOAD_ID.matcher(uploadId).matches()) throw Problem.badRequest("upload id must be upl-<32 hex>");
    Path f = dir(uploadId).resolve("upload.json");
    if (!Files.exists(f)) throw Problem.notFound("no upload " + uploadId);
    return state.readJson(f, UploadMeta.class);
  }

  private Path dir(String uploadId) {
    return state.uploads().resolve(uploadId);
  }

  private Path partPath(String uploadId, int i) {
    return dir(uploadId).resolve(String.format("part-%06d", i));
  }

  private Object lock(String uploadId) {
    return locks.computeIfAbsent(uploadId, k -> new Object());
  }

  static int partCount(long length, int partSize) {
    return (int) ((length + partSize - 1) / partSize);
  }

  static long expectedPartLength(long length, int partSize, int i) {
    return Math.min(partSize, length - (long) i * partSize);
  }

  /** Copies at most {@code max} bytes; returns -1 if the source has more. */
  private static long copyAtMost(InputStream in, OutputStream out, long max) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long n = 0;
    int r;
    while ((r = in.read(buf)) >= 0) {
      n += r;
      if (n > max) return -1;
      out.write(buf, 0, r);
    }
    return n;
  }

  static byte[] parseContentDigest(String header) {
    if (header != null) {
      for (String item : header.split(",")) {
        String t = item.trim();
        if (t.startsWith("sha-256=:") && t.endsWith(":") && t.length() > 10) {
          try {
            byte[] d = Base64.getDecoder().decode(t.substring(9, t.length() - 1));
            if (d.length == 32) return d;
          } catch (IllegalArgumentException e) {
            break;
          }
        }
      }
    }
    throw new Problem("upload-part-digest", 400, "Missing Content-Digest", "Content-Digest must carry sha-256=:<base64>: (RFC 9530)");
  }

  private static byte[] digestOf(Path p) throws IOException {
    MessageDigest md = Digests.sha256();
    try (InputStream in = Files.newInputStream(p)) {
      in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), md));
    }
    return md.digest();
  }

  private static String abbreviate(List<Integer> l) {
    return l.size() <= 10 ? l.toString() : l.subList(0, 10) + " and " + (l.size() - 10) + " more";
  }

  static String sha256Hex(String s) {
    return Digests.sha256Hex(s.getBytes(StandardCharsets.UTF_8));
  }

}
