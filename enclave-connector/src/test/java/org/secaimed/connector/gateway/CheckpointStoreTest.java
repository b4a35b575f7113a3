package org.secaimed.connector.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.receipt.DsseEnvelope;
import org.secaimed.connector.tlog.Checkpoint;
import org.secaimed.connector.tlog.Ed25519;
import org.secaimed.connector.tlog.LogHashes;
import org.secaimed.connector.tlog.MerkleTree;
import org.secaimed.connector.tlog.SignedCheckpoints;

/**
 * Review M1 / issue #14: the site's checkpoint store is shared by runs, keyed by log origin, moved
 * only forward, safe under concurrent runs, and a new origin needs the site's explicit transition.
 * The logs are real RFC 9162 trees with real Ed25519-signed checkpoints, served over HTTP by a
 * MockWebServer playing the (untrusted) gateway.
 */
class CheckpointStoreTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  /** A log as a gateway serves it: a tree, its signing key, and the receipts in it. */
  static final class FakeLog extends Dispatcher {
    final KeyPair key;
    final MerkleTree tree = new MerkleTree();
    final List<DsseEnvelope> entries = new ArrayList<>();

    FakeLog(KeyPair key) {
      this.key = key;
    }

    static FakeLog of(KeyPair key, String... payloads) throws Exception {
      FakeLog log = new FakeLog(key);
      for (String p : payloads) log.append(p);
      return log;
    }

    DsseEnvelope append(String payload) throws Exception {
      DsseEnvelope env = DsseEnvelope.sign(DsseEnvelope.IN_TOTO_PAYLOAD_TYPE, payload.getBytes(StandardCharsets.UTF_8), "k", key.getPrivate());
      tree.append(LogHashes.leafHash(env.logLeafInput()));
      entries.add(env);
      return env;
    }

    String origin() {
      return SignedCheckpoints.originFor(key.getPublic());
    }

    String note() {
      return SignedCheckpoints.sign(new Checkpoint(origin(), tree.size(), tree.root()), key.getPrivate(), key.getPublic());
    }

    @Override
    public MockResponse dispatch(RecordedRequest r) {
      String path = r.getUrl().encodedPath();
      try {
        if (path.endsWith("/v1/log/checkpoint")) {
          return new MockResponse.Builder().code(200).body(note()).addHeader("Content-Type", "text/plain").build();
        }
        if (path.endsWith("/v1/log/proof/inclusion")) {
          long leaf = Long.parseLong(r.getUrl().queryParameter("leafIndex"));
          long size = Long.parseLong(r.getUrl().queryParameter("treeSize"));
          return proof(JSON.createObjectNode().put("leafIndex", leaf).put("treeSize", size), tree.inclusionProof(leaf, size));
        }
        if (path.endsWith("/v1/log/proof/consistency")) {
          long from = Long.parseLong(r.getUrl().queryParameter("fromSize"));
          long to = Long.parseLong(r.getUrl().queryParameter("toSize"));
          return proof(JSON.createObjectNode().put("fromSize", from).put("toSize", to), tree.consistencyProof(from, to));
        }
      } catch (Exception e) {
        return new MockResponse.Builder().code(500).body(String.valueOf(e.getMessage())).build();
      }
      return new MockResponse.Builder().code(404).build();
    }

    private static MockResponse proof(ObjectNode o, List<byte[]> hashes) throws Exception {
      ArrayNode a = o.putArray("hashes");
      hashes.forEach(h -> a.add(Base64.getEncoder().encodeToString(h)));
      return new MockResponse.Builder().code(200).body(JSON.writeValueAsString(o)).addHeader("Content-Type", "application/json").build();
    }
  }

  /** One run's view: a gateway serving {@code log}, a fresh store object on the shared folder. */
  private LogVerification.Verified run(FakeLog log, DsseEnvelope receipt) throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(log);
      server.start();
      GatewayClient client = new GatewayClient(server.url("/").toString(), new OkHttpClient());
      return LogVerification.verify(client, new CheckpointStore(tmp.resolve("store")), log.key.getPublic(), receipt,
          log.entries.indexOf(receipt));
    }
  }

  private String stored(String origin) throws Exception {
    return new CheckpointStore(tmp.resolve("store")).last(origin).orElse(null);
  }

  @Test
  void aForkShownToALaterRunIsCaughtAndLeavesTheStoreAlone() throws Exception {
    KeyPair key = Ed25519.generate();
    FakeLog honest = FakeLog.of(key, "receipt A", "receipt X");
    run(honest, honest.entries.get(0));
    String afterRun1 = stored(honest.origin());
    assertThat(afterRun1).isEqualTo(honest.note());

    // Run 2, another day: the gateway shows this site a log that rewrote entry 1, signed with the real key.
    FakeLog forked = FakeLog.of(key, "receipt A", "receipt Y");
    DsseEnvelope b = forked.append("receipt B");
    assertThatThrownBy(() -> run(forked, b))
        .isInstanceOfSatisfying(ResultVerificationException.class, e -> assertThat(e.step()).isEqualTo("consistency"));
    assertThat(stored(honest.origin())).isEqualTo(afterRun1);

    // The honest continuation still verifies, and carries the consistency proof from run 1's checkpoint.
    DsseEnvelope b2 = honest.append("receipt B");
    LogVerification.Verified v = run(honest, b2);
    assertThat(v.consistency()).isNotNull();
    assertThat(v.consistency().fromCheckpoint()).isEqualTo(afterRun1);
    assertThat(stored(honest.origin())).isEqualTo(honest.note());
  }

  @Test
  void aRolledBackLogShownToALaterRunIsCaught() throws Exception {
    KeyPair key = Ed25519.generate();
    FakeLog log = FakeLog.of(key, "a", "b", "c");
    run(log, log.entries.get(2));
    FakeLog older = FakeLog.of(key, "a", "b");
    assertThatThrownBy(() -> run(older, older.entries.get(0)))
        .isInstanceOfSatisfying(ResultVerificationException.class, e -> assertThat(e.step()).isEqualTo("consistency"));
    assertThat(stored(log.origin())).isEqualTo(log.note());
  }

  @Test
  void aNewOriginIsFollowedOnlyAfterTheSiteAcceptsIt() throws Exception {
    FakeLog before = FakeLog.of(Ed25519.generate(), "a");
    run(before, before.entries.get(0)); // first use: the first log a site sees is followed, and that is recorded
    FakeLog rotated = FakeLog.of(Ed25519.generate(), "a'", "b'");

    assertThatThrownBy(() -> run(rotated, rotated.entries.get(1)))
        .isInstanceOfSatisfying(ResultVerificationException.class, e -> {
          assertThat(e.step()).isEqualTo("log-origin");
          assertThat(e.getMessage()).contains(rotated.origin()).contains(before.origin());
        });
    assertThat(stored(rotated.origin())).isNull();

    CheckpointStore store = new CheckpointStore(tmp.resolve("store"));
    store.acceptOrigin(rotated.origin(), before.origin(), "enclave key rotated, change ticket 42");
    run(rotated, rotated.entries.get(1));
    assertThat(stored(rotated.origin())).isEqualTo(rotated.note());
    assertThat(stored(before.origin())).isEqualTo(before.note()); // the old log's memory is kept
    String transitions = Files.readString(tmp.resolve("store/transitions.jsonl"));
    assertThat(transitions.lines()).hasSize(2);
    assertThat(transitions).contains("first log followed by this site").contains("change ticket 42").contains("\"replaces\"");
  }

  @Test
  void theStoreRefusesToMoveBackwardsOrOverAnUnexpectedChange() throws Exception {
    KeyPair key = Ed25519.generate();
    FakeLog log = FakeLog.of(key, "a", "b", "c");
    String three = log.note();
    FakeLog shorter = FakeLog.of(key, "a", "b");
    FakeLog sameSizeOtherRoot = FakeLog.of(key, "a", "b", "z");
    CheckpointStore store = new CheckpointStore(tmp.resolve("store"));
    try (var lease = store.lease(log.origin())) {
      lease.advance(three);
    }
    for (String bad : List.of(shorter.note(), sameSizeOtherRoot.note())) {
      try (var lease = store.lease(log.origin())) {
        assertThatThrownBy(() -> lease.advance(bad))
            .isInstanceOfSatisfying(CheckpointStoreException.class, e -> assertThat(e.reason()).isEqualTo(CheckpointStoreException.Reason.BACKWARDS));
      }
    }
    log.append("d");
    try (var lease = store.lease(log.origin())) {
      // Someone wrote the file without the lock: compare-and-swap fails instead of overwriting.
      Files.list(tmp.resolve("store")).filter(p -> p.toString().endsWith(".checkpoint")).forEach(p -> {
        try {
          Files.writeString(p, shorter.note());
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      assertThatThrownBy(() -> lease.advance(log.note()))
          .isInstanceOfSatisfying(CheckpointStoreException.class, e -> assertThat(e.reason()).isEqualTo(CheckpointStoreException.Reason.CONCURRENT_UPDATE));
    }
  }

  /** Many runs (threads, each with its own store object on the shared folder) advance at once: the stored size only grows. */
  @Test
  void concurrentAdvancesNeverMoveBackwards() throws Exception {
    KeyPair key = Ed25519.generate();
    FakeLog log = FakeLog.of(key);
    List<String> notes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      log.append("e" + i);
      notes.add(log.note());
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> done = new ArrayList<>();
    List<Long> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 8; t++) {
      int offset = t;
      done.add(pool.submit(() -> {
        CheckpointStore store = new CheckpointStore(tmp.resolve("store"));
        for (int i = 0; i < notes.size(); i++) {
          String note = notes.get((i * 7 + offset * 5) % notes.size()); // each thread offers sizes in its own order
          try (var lease = store.lease(log.origin())) {
            long current = lease.current().map(CheckpointStoreTest::size).orElse(0L);
            seen.add(current);
            if (size(note) >= current) {
              lease.advance(note); // the same checkpoint again is a no-op
            } else {
              assertThatThrownBy(() -> lease.advance(note)).isInstanceOf(CheckpointStoreException.class);
            }
          }
        }
        return null;
      }));
    }
    for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
    pool.shutdown();
    assertThat(size(stored(log.origin()))).isEqualTo(40);
    assertThat(seen).isSorted(); // every lease saw a size at least as large as the one before it
  }

  /** The file lock holds against another process (another Kaapana run's pod on the same volume). */
  @Test
  void anotherProcessHoldingTheLeaseBlocksThisOne() throws Exception {
    KeyPair key = Ed25519.generate();
    FakeLog log = FakeLog.of(key, "a", "b");
    Path noteFile = tmp.resolve("note.txt");
    Files.writeString(noteFile, log.note());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), HoldLease.class.getName(),
        tmp.resolve("store").toString(), log.origin(), noteFile.toString()).redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && !line.equals("leased")) { /* skip JVM noise */ }
      assertThat(line).isEqualTo("leased");
      try (var lease = new CheckpointStore(tmp.resolve("store")).lease(log.origin())) {
        // Only after the other process stored its checkpoint and let go does this lease begin.
        assertThat(lease.current()).contains(log.note());
      }
    } finally {
      child.destroy();
    }
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  /** The other process of {@link #anotherProcessHoldingTheLeaseBlocksThisOne}. */
  public static final class HoldLease {
    public static void main(String[] args) throws Exception {
      try (var lease = new CheckpointStore(Path.of(args[0])).lease(args[1])) {
        System.out.println("leased");
        System.out.flush();
        Thread.sleep(700);
        lease.advance(Files.readString(Path.of(args[2])));
      }
    }
  }

  private static long size(String note) {
    return Long.parseLong(note.split("\n")[1]);
  }
}
