package org.secaimed.enclave.server.usage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.secaimed.connector.io.AtomicFiles;
import org.secaimed.connector.party.UsageLogEntry;
import org.secaimed.connector.receipt.DsseEnvelope;
import org.secaimed.connector.receipt.ReceiptException;
import org.secaimed.enclave.server.log.ReceiptLog;
import org.secaimed.enclave.server.state.StateDir;

/**
 * Consent state read from the transparency log: how often each usage policy was used and
 * whether its owner revoked it. Every {@code use} and {@code revoke} is an enclave-signed entry
 * appended to the log; this ledger keeps the entries' bodies ({@code usage/entries.jsonl}) and on
 * start counts only those whose leaf the log holds, so a count is exactly what the log proves.
 * An entry is written here first and then appended to the log: a crash between the two leaves an
 * entry the log lacks, which the next start drops (it was never acted on).
 */
public final class UsageLedger {
  private final Path file;
  private final KeyPair signing;
  private final ReceiptLog log;
  private final Clock clock;
  private final Map<String, Long> uses = new HashMap<>();
  private final Map<String, Long> useByTaskInput = new HashMap<>();
  private final Map<String, Long> revokedAt = new HashMap<>();

  public UsageLedger(StateDir state, KeyPair signing, ReceiptLog log, Clock clock) throws IOException {
    Path dir = Files.createDirectories(state.root().resolve("usage"));
    this.file = dir.resolve("entries.jsonl");
    this.signing = signing;
    this.log = log;
    this.clock = clock;
    if (Files.exists(file)) load();
  }

  private void load() throws IOException {
    var json = StateDir.json();
    StringBuilder kept = new StringBuilder();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) continue;
      try {
        DsseEnvelope env = json.readValue(line, DsseEnvelope.class);
        long index = log.indexOf(env.logLeafInput());
        if (index < 0) continue; // written but never logged: never acted on
        record(UsageLogEntry.open(env, signing.getPublic()), index);
        kept.append(line).append('\n');
      } catch (IOException | ReceiptException e) {
        // a torn or foreign line counts for nothing
      }
    }
    AtomicFiles.write(file, kept.toString().getBytes(StandardCharsets.UTF_8));
  }

  public synchronized long usesOf(String policyDigest) {
    return uses.getOrDefault(policyDigest, 0L);
  }

  public synchronized boolean revoked(String policyDigest) {
    return revokedAt.containsKey(policyDigest);
  }

  /** The use number already logged for this task and input, or -1. */
  public synchronized long loggedUse(String taskId, String blobId) {
    return useByTaskInput.getOrDefault(taskId + "|" + blobId, -1L);
  }

  /** Appends a use entry (once per task and input) and returns its use number. */
  public synchronized long appendUse(String taskId, String blobId, String policyDigest, String owner) throws IOException {
    long existing = loggedUse(taskId, blobId);
    if (existing > 0) return existing;
    long n = usesOf(policyDigest) + 1;
    append(UsageLogEntry.use(taskId, blobId, policyDigest, owner, n, clock.instant().toString()));
    return n;
  }

  /** Appends the owner's revocation (once) and returns its leaf index. */
  public synchronized long appendRevoke(String policyDigest, String owner) throws IOException {
    Long at = revokedAt.get(policyDigest);
    if (at != null) return at;
    return append(UsageLogEntry.revoke(policyDigest, owner, clock.instant().toString()));
  }

  /** Runs {@code action} holding the ledger's lock, so a decision and its use entries are one step. */
  public synchronized <T, E extends Exception> T atomically(LockedAction<T, E> action) throws E, IOException {
    return action.run();
  }

  @FunctionalInterface
  public interface LockedAction<T, E extends Exception> {
    T run() throws E, IOException;
  }

  private long append(UsageLogEntry entry) throws IOException {
    DsseEnvelope env = entry.sign(signing.getPrivate(), signing.getPublic());
    byte[] line = (StateDir.json().copy().disable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(env) + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap(line));
      ch.force(false);
    }
    long index;
    try {
      index = log.append(env.logLeafInput());
    } catch (ReceiptException e) {
      throw new IllegalStateException("a log entry the enclave just signed is malformed", e);
    }
    record(entry, index);
    return index;
  }

  private void record(UsageLogEntry e, long index) {
    if (e.isUse()) {
      uses.merge(e.policyDigest(), 1L, Long::sum);
      useByTaskInput.put(e.taskId() + "|" + e.blobId(), e.useNumber());
    } else {
      revokedAt.putIfAbsent(e.policyDigest(), index);
    }
  }
}
