package org.secaimed.connector.seal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.bouncycastle.crypto.hpke.HPKEContext;

/**
 * The per-archive chunk key and nonce prefix, exported from the HPKE context with the header
 * digest in the exporter context, so that any header edit yields unrelated chunk keys.
 * Hands out one {@link ChunkCipher} per concurrent user.
 */
final class StreamKeys {
  static final byte[] HPKE_INFO = "secaimed sealed archive v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KEY_LABEL = "secaimed-stream-v1 key".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PREFIX_LABEL = "secaimed-stream-v1 nonce prefix".getBytes(StandardCharsets.US_ASCII);

  private final byte[] key;
  private final byte[] noncePrefix;
  private final SealOptions.Engine engine;
  private final ConcurrentLinkedQueue<ChunkCipher> idle = new ConcurrentLinkedQueue<>();

  private StreamKeys(byte[] key, byte[] noncePrefix, SealOptions.Engine engine) {
    this.key = key;
    this.noncePrefix = noncePrefix;
    this.engine = engine;
  }

  static StreamKeys export(HPKEContext context, byte[] headerBytes, SealOptions.Engine engine) {
    byte[] digest = KemPublicKey.sha256(headerBytes);
    byte[] key = context.export(concat(KEY_LABEL, digest), 32);
    byte[] prefix = context.export(concat(PREFIX_LABEL, digest), ChunkCipher.PREFIX_LENGTH);
    return new StreamKeys(key, prefix, engine);
  }

  ChunkCipher borrow() {
    ChunkCipher c = idle.poll();
    if (c != null) return c;
    return engine == SealOptions.Engine.JCA ? new ChunkCipher.Jca(key, noncePrefix) : new ChunkCipher.BouncyCastle(key, noncePrefix);
  }

  void giveBack(ChunkCipher c) {
    idle.offer(c);
  }

  /** Drops the key material this object holds (cipher instances keep their own expanded keys until collected). */
  void wipe() {
    idle.clear();
    Arrays.fill(key, (byte) 0);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
