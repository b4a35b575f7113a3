package org.secaimed.connector.seal;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Gets HotSpot to compile the JDK's AES-GCM with its AES-NI and carry-less-multiply intrinsics
 * before real data needs them. Cold, a fresh JVM seals and opens the first ~50 MB at 40–90 MB/s
 * (measured here: interpreted GHASH), then 2.6 GB/s once C2 has compiled the callers; for a
 * per-job JVM such as the Kaapana operator that is about a second lost per study. 15,000 tiny
 * seal/open round trips on a throwaway key take ~0.2 s of one core and leave the whole stream at
 * full speed. Runs once per JVM, on a daemon thread, so nobody waits for it.
 */
final class AesGcmWarmUp {
  static final int ROUNDS = 15_000;
  private static final AtomicReference<CompletableFuture<Void>> STARTED = new AtomicReference<>();

  private AesGcmWarmUp() {}

  /** Starts the warm-up unless it has started already; the future completes when it is done. */
  static CompletableFuture<Void> start() {
    CompletableFuture<Void> existing = STARTED.get();
    if (existing != null) return existing;
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!STARTED.compareAndSet(null, done)) return STARTED.get();
    Thread t = new Thread(() -> {
      try {
        run();
        done.complete(null);
      } catch (GeneralSecurityException | RuntimeException e) {
        done.completeExceptionally(e); // only slower: the real streams report their own errors
      }
    }, "secaimed-aes-gcm-warm-up");
    t.setDaemon(true);
    t.start();
    return done;
  }

  private static void run() throws GeneralSecurityException {
    byte[] key = new byte[32];
    byte[] prefix = new byte[ChunkCipher.PREFIX_LENGTH];
    new SecureRandom().nextBytes(key);
    ChunkCipher.Jca cipher = new ChunkCipher.Jca(key, prefix, false);
    byte[] plain = new byte[256];
    byte[] sealed = new byte[plain.length + ChunkCipher.TAG_LENGTH];
    byte[] opened = new byte[plain.length];
    for (int i = 0; i < ROUNDS; i++) {
      int n = cipher.seal(i, false, plain, 0, plain.length, sealed, 0);
      if (cipher.open(i, false, sealed, 0, n, opened, 0) != plain.length) {
        throw new GeneralSecurityException("AES-GCM warm-up round trip failed");
      }
    }
  }
}
