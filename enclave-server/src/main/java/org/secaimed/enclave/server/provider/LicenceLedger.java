package org.secaimed.enclave.server.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.secaimed.connector.party.RequestRefusedException;
import org.secaimed.connector.provider.LicenceAudit;
import org.secaimed.connector.provider.LicenceDecision;
import org.secaimed.connector.provider.LicenceLogEntry;
import org.secaimed.connector.provider.UsageLicence;
import org.secaimed.connector.receipt.DsseEnvelope;
import org.secaimed.connector.receipt.ReceiptException;
import org.secaimed.enclave.server.log.ReceiptLog;

/**
 * Licence state kept as log entries: counts, revocation and the provider's audit all come from the
 * enclave-signed {@link LicenceLogEntry}s appended to the transparency log. {@link #authorize}
 * decides and appends the {@code licence-use} entry in one step (synchronized, so two tasks cannot
 * both take the last run) and returns the only proof {@link ProviderModelStore#unwrap} accepts, so
 * a model is never unwrapped without its use being in the log first.
 *
 * <p>Entries are also kept as JSON lines ({@code entries.jsonl}) because the log stores hashes
 * only. The line is written before the leaf; on restart a line whose leaf is missing is appended
 * (a use decided before a crash stays counted: fail closed).
 */
public final class LicenceLedger {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A use that is in the log; made only here. */
  public static final class LoggedUse {
    private final LicenceDecision.Allowed allowed;
    private final long leafIndex;

    private LoggedUse(LicenceDecision.Allowed allowed, long leafIndex) {
      this.allowed = allowed;
      this.leafIndex = leafIndex;
    }

    public LicenceDecision.Allowed allowed() {
      return allowed;
    }

    public long leafIndex() {
      return leafIndex;
    }
  }

  private record Stored(LicenceLogEntry entry, DsseEnvelope envelope, long leafIndex) {}

  private final Path file;
  private final ReceiptLog log;
  private final KeyPair signing;
  private final List<Stored> entries = new ArrayList<>();

  public LicenceLedger(Path dir, ReceiptLog log, KeyPair signing) throws IOException {
    Files.createDirectories(dir);
    this.file = dir.resolve("entries.jsonl");
    this.log = log;
    this.signing = signing;
    if (Files.exists(file)) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).isBlank()) continue;
        DsseEnvelope env;
        LicenceLogEntry e;
        try {
          env = JSON.readValue(lines.get(i), DsseEnvelope.class);
          e = LicenceLogEntry.open(env, signing.getPublic());
        } catch (IOException | ReceiptException x) {
          // Only the last line may be torn (a crash mid-write; its leaf was never appended).
          // Anything else is damage, and counting without it would allow uses twice: refuse to start.
          if (i == lines.size() - 1) break;
          throw new IOException(file + " line " + (i + 1) + " is not a licence log entry this enclave signed: " + x.getMessage(), x);
        }
        long index = log.indexOf(leaf(env));
        if (index < 0) index = log.append(leaf(env));
        entries.add(new Stored(e, env, index));
      }
    }
  }

  /**
   * Decides whether {@code task} may use the model under {@code licence} (counts and revocation
   * from this ledger), and if so appends the {@code licence-use} entry to the log. A task that
   * already has a use of this licence (a restart) gets that use back instead of a second one.
   */
  public synchronized LoggedUse authorize(UsageLicence licence, LicenceDecision.Task task, String taskId) throws RequestRefusedException, IOException {
    Counted c = count(licence.digest(), task.site(), taskId);
    if (c.earlier() != null && !c.usage().revoked()) {
      LicenceLogEntry e = c.earlier().entry();
      return new LoggedUse(new LicenceDecision.Allowed(licence.digest(), e.modelDigest(), e.run(), e.siteRun(), licence.maxRuns(),
          licence.maxRunsPerSite()), c.earlier().leafIndex());
    }
    LicenceDecision.Allowed allowed = LicenceDecision.decide(licence, task, c.usage());
    Stored s = append(LicenceLogEntry.use(allowed, taskId, task.site(), task.kind(), task.at().toString()));
    return new LoggedUse(allowed, s.leafIndex());
  }

  /**
   * The same decision as {@link #authorize} without appending anything: what a task's submission
   * is told, so a refused task never exists. The task is decided again (and its use logged) when it runs.
   */
  public synchronized LicenceDecision.Allowed check(UsageLicence licence, LicenceDecision.Task task) throws RequestRefusedException {
    return LicenceDecision.decide(licence, task, count(licence.digest(), task.site(), null).usage());
  }

  private record Counted(LicenceDecision.Usage usage, Stored earlier) {}

  private Counted count(String digest, String site, String taskId) {
    long runs = 0, siteRuns = 0;
    boolean revoked = false;
    Stored earlier = null;
    for (Stored s : entries) {
      if (!s.entry().licenceDigest().equals(digest)) continue;
      if (s.entry().isRevoke()) {
        revoked = true;
        continue;
      }
      runs++;
      if (s.entry().site().equals(site)) siteRuns++;
      if (taskId != null && taskId.equals(s.entry().taskId())) earlier = s;
    }
    return new Counted(new LicenceDecision.Usage(runs, siteRuns, revoked), earlier);
  }

  /** Appends a {@code licence-revoke} entry; later tasks under the licence are refused. Returns its leaf index. */
  public synchronized long revoke(String licenceDigest, Instant at) throws IOException {
    return append(LicenceLogEntry.revoke(licenceDigest, at.toString())).leafIndex();
  }

  /** Every entry of this licence, in log order, with inclusion proofs at the current checkpoint. */
  public synchronized LicenceAudit.Report report(String licenceDigest) {
    String checkpoint = log.signedCheckpoint();
    long size = log.size();
    List<LicenceAudit.Item> items = new ArrayList<>();
    for (Stored s : entries) {
      if (s.entry().licenceDigest().equals(licenceDigest)) items.add(new LicenceAudit.Item(s.envelope(), s.leafIndex(), log.inclusionProof(s.leafIndex(), size)));
    }
    return new LicenceAudit.Report(licenceDigest, checkpoint, items);
  }

  private Stored append(LicenceLogEntry e) throws IOException {
    DsseEnvelope env = e.sign(signing.getPrivate(), signing.getPublic());
    byte[] line = (JSON.writeValueAsString(env) + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap(line));
      ch.force(false);
    }
    Stored s = new Stored(e, env, log.append(leaf(env)));
    entries.add(s);
    return s;
  }

  private static byte[] leaf(DsseEnvelope env) {
    try {
      return env.logLeafInput();
    } catch (ReceiptException e) {
      throw new IllegalStateException("an envelope this enclave signed has no payload", e);
    }
  }
}
