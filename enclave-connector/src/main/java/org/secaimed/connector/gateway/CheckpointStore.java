package org.secaimed.connector.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.secaimed.connector.io.AtomicFiles;
import org.secaimed.connector.io.Digests;
import org.secaimed.connector.tlog.Checkpoint;
import org.secaimed.connector.tlog.LogProofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The site's memory of the enclave logs it has verified: per log origin, the last checkpoint
 * (signed-note text). Every later checkpoint of that origin must prove consistency with it, which
 * is how a forked, rewritten or rolled-back log is caught — between runs too, because the store is
 * a folder that outlives them (docs/kaapana.md says where the operator keeps it).
 *
 * <p>Layout: {@code <sha256(origin)>.checkpoint} per origin, {@code transitions.jsonl} (every log
 * the site started to follow, and why), {@code .lock}.
 *
 * <ul>
 *   <li><b>Concurrent runs.</b> Work on an origin happens inside a {@link Lease}: an exclusive
 *       file lock (other processes) plus a lock per store folder (other threads of this JVM). The
 *       caller fetches the gateway's checkpoint and the consistency proof while holding it, so a
 *       concurrent run can never make a good checkpoint look like a rollback.
 *   <li><b>Only forward.</b> {@link Lease#advance} compares and swaps: the stored note must still
 *       be the one the lease read, and a smaller tree, or the same size with another root, is
 *       refused. The write is atomic (temporary file, fsync, rename).
 *   <li><b>New origins.</b> A log origin names the enclave's signing key. The first log a site
 *       ever sees is followed on first use; after that a new origin (a rotated key, or a gateway
 *       that simply shows another log) is followed only after the site accepted it with
 *       {@link #acceptOrigin}, which is written to {@code transitions.jsonl} and logged.
 * </ul>
 */
public final class CheckpointStore {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TRANSITIONS = "transitions.jsonl";
  private static final String SUFFIX = ".checkpoint";
  private static final ConcurrentHashMap<Path, ReentrantLock> LOCAL_LOCKS = new ConcurrentHashMap<>();

  private final Path dir;
  private final Clock clock;

  public CheckpointStore(Path dir) {
    this(dir, Clock.systemUTC());
  }

  public CheckpointStore(Path dir, Clock clock) {
    this.dir = dir.toAbsolutePath().normalize();
    this.clock = clock;
  }

  public Path dir() {
    return dir;
  }

  /** The last checkpoint stored for {@code origin}. */
  public Optional<String> last(String origin) throws IOException {
    Path f = fileFor(origin);
    return Files.exists(f) ? Optional.of(Files.readString(f, StandardCharsets.UTF_8)) : Optional.empty();
  }

  /** Origins the site follows: those with a stored checkpoint and those accepted explicitly. */
  public Set<String> origins() throws IOException {
    Set<String> out = new LinkedHashSet<>(acceptedOrigins());
    if (!Files.isDirectory(dir)) return out;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList()) {
        String note = Files.readString(f, StandardCharsets.UTF_8);
        out.add(note.substring(0, Math.max(0, note.indexOf('\n'))));
      }
    }
    return out;
  }

  /**
   * The site says that {@code origin} is a log it follows from now on (e.g. the enclave's signing
   * key was rotated; {@code replaces} is the old origin, or null). Written and logged; idempotent.
   */
  public void acceptOrigin(String origin, String replaces, String reason) throws IOException {
    requireOrigin(origin);
    try (Lease ignored = lease(origin)) {
      if (acceptedOrigins().contains(origin)) return;
      appendTransition(origin, replaces, reason);
      LOG.warn("log origin transition: the site now follows the log {}{} ({})", origin,
          replaces == null ? "" : " in place of " + replaces, reason);
    }
  }

  /** Exclusive access to {@code origin}'s checkpoint until closed (across processes and threads). */
  public Lease lease(String origin) throws IOException {
    requireOrigin(origin);
    Files.createDirectories(dir);
    ReentrantLock local = LOCAL_LOCKS.computeIfAbsent(dir, d -> new ReentrantLock());
    local.lock();
    FileChannel ch = null;
    try {
      ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = ch.lock();
      return new Lease(origin, local, ch, lock, last(origin).orElse(null));
    } catch (IOException | RuntimeException e) {
      if (ch != null) ch.close();
      local.unlock();
      throw e;
    }
  }

  /** A held lock on the store with the checkpoint of one origin as read when it was taken. */
  public final class Lease implements AutoCloseable {
    private final String origin;
    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock lock;
    private String current;

    private Lease(String origin, ReentrantLock local, FileChannel channel, FileLock lock, String current) {
      this.origin = origin;
      this.local = local;
      this.channel = channel;
      this.lock = lock;
      this.current = current;
    }

    /** The stored checkpoint of this origin, if the site has followed it before. */
    public Optional<String> current() {
      return Optional.ofNullable(current);
    }

    /**
     * Fails unless the site follows this origin already, accepted it, or has never followed any
     * log (first use). Call before trusting a checkpoint of an origin without a stored one.
     */
    public void requireFollowed() throws CheckpointStoreException, IOException {
      if (current != null || acceptedOrigins().contains(origin)) return;
      Set<String> others = origins();
      others.remove(origin);
      if (others.isEmpty()) return;
      throw new CheckpointStoreException(CheckpointStoreException.Reason.UNACCEPTED_ORIGIN, "the enclave's log has origin "
          + origin + ", which this site has not followed (it follows " + String.join(", ", others) + "); a new origin means a new"
          + " enclave signing key. If the key rotation is expected, accept the new log explicitly (docs/receipts-and-log.md)");
    }

    /**
     * Stores {@code note} (already verified by the caller: signature, and consistency with
     * {@link #current()}) if it moves the log forward. Compare-and-swap: fails if the stored note
     * is no longer the one this lease read.
     */
    public void advance(String note) throws IOException {
      Checkpoint next = parse(note, "new checkpoint");
      if (!origin.equals(next.origin())) {
        throw new CheckpointStoreException(CheckpointStoreException.Reason.WRONG_ORIGIN,
            "a checkpoint of " + next.origin() + " cannot be stored as " + origin);
      }
      String onDisk = last(origin).orElse(null);
      if (!java.util.Objects.equals(onDisk, current)) {
        throw new CheckpointStoreException(CheckpointStoreException.Reason.CONCURRENT_UPDATE,
            "the stored checkpoint of " + origin + " changed under the lock; not overwritten");
      }
      if (current != null) {
        Checkpoint prev = parse(current, "stored checkpoint");
        if (next.size() < prev.size() || (next.size() == prev.size() && !Arrays.equals(next.rootHash(), prev.rootHash()))) {
          throw new CheckpointStoreException(CheckpointStoreException.Reason.BACKWARDS, "refusing to move the checkpoint of "
              + origin + " from size " + prev.size() + " to size " + next.size() + (next.size() == prev.size() ? " with another root" : ""));
        }
        if (next.size() == prev.size()) return;
      } else if (!acceptedOrigins().contains(origin)) {
        appendTransition(origin, null, "first log followed by this site");
        LOG.info("log origin: the site follows the log {} from size {} (first use)", origin, next.size());
      }
      AtomicFiles.write(fileFor(origin), note.getBytes(StandardCharsets.UTF_8));
      current = note;
    }

    @Override
    public void close() throws IOException {
      try {
        lock.release();
        channel.close();
      } finally {
        local.unlock();
      }
    }
  }

  private List<String> acceptedOrigins() throws IOException {
    Path f = dir.resolve(TRANSITIONS);
    List<String> out = new ArrayList<>();
    if (!Files.exists(f)) return out;
    for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
      if (line.isBlank()) continue;
      try {
        out.add(JSON.readTree(line).path("origin").asText());
      } catch (IOException e) {
        // a torn last line from a crash: that transition was not recorded
      }
    }
    return out;
  }

  private void appendTransition(String origin, String replaces, String reason) throws IOException {
    ObjectNode line = JSON.createObjectNode().put("at", clock.instant().toString()).put("origin", origin);
    if (replaces != null) line.put("replaces", replaces);
    line.put("reason", reason);
    byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(dir.resolve(TRANSITIONS), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) ch.write(buf);
      ch.force(true);
    }
  }

  private Path fileFor(String origin) {
    return dir.resolve(Digests.sha256Hex(origin.getBytes(StandardCharsets.UTF_8)) + SUFFIX);
  }

  private static Checkpoint parse(String note, String what) throws CheckpointStoreException {
    int end = note.indexOf("\n\n");
    try {
      if (end < 0) throw new LogProofException("not a signed note");
      return Checkpoint.parseBody(note.substring(0, end + 1));
    } catch (LogProofException e) {
      throw new CheckpointStoreException(CheckpointStoreException.Reason.UNREADABLE, what + ": " + e.getMessage());
    }
  }

  private static void requireOrigin(String origin) {
    if (origin == null || origin.isBlank() || origin.contains("\n")) throw new IllegalArgumentException("not a log origin: " + origin);
  }
}
