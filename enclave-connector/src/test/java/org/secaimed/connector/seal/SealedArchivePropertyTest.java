package org.secaimed.connector.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.secaimed.connector.seal.SealedArchiveException.Reason;

/**
 * Seeded property test: every kind of damage an attacker or a broken network can do to an
 * archive is rejected with a typed reason, and the bytes released before the rejection are
 * always a prefix of the true plaintext that ends before the first damaged chunk.
 * Re-run a failure with {@code -Dseal.property.seed=<seed>}; scale with {@code -Dseal.property.cases=N}.
 */
class SealedArchivePropertyTest {
  private static final long SEED = Long.getLong("seal.property.seed", 0x5EA1_2026L);
  private static final int CASES = Integer.getInteger("seal.property.cases", 12_000);
  private static final byte[] BINDING = "task-7".getBytes(StandardCharsets.UTF_8);

  enum Damage { FLIP_BIT, TRUNCATE, SWAP_CHUNKS, REPEAT_CHUNK, DROP_CHUNK, EDIT_HEADER, APPEND, SPLICE_FOREIGN_CHUNK, WRONG_BINDING, WRONG_KEY }

  private static final Set<Reason> STREAM_DAMAGE = EnumSet.of(Reason.CHUNK_AUTH_FAILED, Reason.TRUNCATED, Reason.TRAILING_DATA);

  record Sample(byte[] plain, byte[] archive, int chunkSize, int headerLength) {
    int frame() {
      return chunkSize + 16;
    }

    int chunks() {
      return (archive.length - headerLength + frame() - 1) / frame();
    }

    int chunkStart(int i) {
      return headerLength + i * frame();
    }

    int chunkEnd(int i) {
      return Math.min(archive.length, chunkStart(i + 1));
    }
  }

  @Test
  void everyDamageIsRejectedAndNothingUnauthenticatedIsReleased() throws IOException {
    Random rnd = new Random(SEED);
    KemKeyPair pair = KemKeyPair.generate(HpkeSuite.X25519);
    KemKeyPair other = KemKeyPair.generate(HpkeSuite.X25519);
    Sample[] samples = new Sample[24];
    for (int i = 0; i < samples.length; i++) {
      int chunk = 16 << rnd.nextInt(3); // 16, 32, 64
      int len = switch (i % 4) {
        case 0 -> chunk * (1 + rnd.nextInt(6)); // exact multiple: the final chunk is full
        case 1 -> rnd.nextInt(chunk);           // one chunk
        default -> rnd.nextInt(chunk * 8);
      };
      samples[i] = sample(pair, len, chunk, rnd);
    }
    Map<Damage, Integer> counts = new EnumMap<>(Damage.class);
    Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
    for (int c = 0; c < CASES; c++) {
      Sample s = samples[rnd.nextInt(samples.length)];
      Damage d = Damage.values()[rnd.nextInt(Damage.values().length)];
      Sample foreign = samples[rnd.nextInt(samples.length)];
      String what = "case " + c + " (seed " + SEED + "): " + d;
      Outcome o = damageAndOpen(s, d, foreign, pair, other, rnd, what);
      if (o == null) continue; // the damage was not applicable to this sample (e.g. swap with one chunk)
      counts.merge(d, 1, Integer::sum);
      reasons.merge(o.reason, 1, Integer::sum);
    }
    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    assertThat(total).as("applicable cases, by damage %s, by reason %s", counts, reasons).isGreaterThanOrEqualTo(10_000);
    assertThat(counts.keySet()).containsExactlyInAnyOrder(Damage.values());
  }

  record Outcome(Reason reason) {}

  private static Outcome damageAndOpen(Sample s, Damage d, Sample foreign, KemKeyPair pair, KemKeyPair other, Random rnd, String what)
      throws IOException {
    byte[] a = s.archive();
    int n = s.chunks();
    byte[] damaged;
    long releaseLimit; // plaintext bytes that may be released: the chunks before the first damaged one
    Set<Reason> expected;
    KemKeyPair key = pair;
    byte[] binding = BINDING;
    switch (d) {
      case FLIP_BIT -> {
        int pos = rnd.nextInt(a.length);
        damaged = a.clone();
        damaged[pos] ^= (byte) (1 << rnd.nextInt(8));
        releaseLimit = limitFor(s, pos);
        expected = pos < s.headerLength() ? EnumSet.complementOf(EnumSet.of(Reason.INVALID_RECIPIENT_KEY)) : STREAM_DAMAGE;
      }
      case TRUNCATE -> {
        boolean atBoundary = rnd.nextBoolean();
        int cut = atBoundary ? s.chunkStart(rnd.nextInt(n)) : rnd.nextInt(a.length);
        damaged = Arrays.copyOf(a, cut);
        releaseLimit = limitFor(s, cut);
        expected = cut < s.headerLength() ? EnumSet.of(Reason.TRUNCATED, Reason.BAD_MAGIC) : STREAM_DAMAGE;
      }
      case SWAP_CHUNKS -> {
        if (n < 2) return null;
        int i = rnd.nextInt(n), j = rnd.nextInt(n);
        if (i == j) j = (i + 1) % n;
        int lo = Math.min(i, j), hi = Math.max(i, j);
        damaged = concat(slice(a, 0, s.chunkStart(lo)), chunk(s, hi), slice(a, s.chunkEnd(lo), s.chunkStart(hi)), chunk(s, lo),
            slice(a, s.chunkEnd(hi), a.length));
        releaseLimit = (long) lo * s.chunkSize();
        expected = STREAM_DAMAGE;
      }
      case REPEAT_CHUNK -> {
        int i = rnd.nextInt(n);
        damaged = concat(slice(a, 0, s.chunkEnd(i)), chunk(s, i), slice(a, s.chunkEnd(i), a.length));
        releaseLimit = (long) (i + 1) * s.chunkSize();
        expected = STREAM_DAMAGE;
      }
      case DROP_CHUNK -> {
        if (n < 2) return null;
        int i = rnd.nextInt(n);
        damaged = concat(slice(a, 0, s.chunkStart(i)), slice(a, s.chunkEnd(i), a.length));
        releaseLimit = (long) i * s.chunkSize();
        expected = STREAM_DAMAGE;
      }
      case EDIT_HEADER -> {
        int pos = rnd.nextInt(s.headerLength());
        damaged = a.clone();
        damaged[pos] = (byte) (damaged[pos] + 1 + rnd.nextInt(255));
        releaseLimit = 0;
        expected = EnumSet.of(Reason.BAD_MAGIC, Reason.UNSUPPORTED_VERSION, Reason.UNSUPPORTED_SUITE, Reason.MALFORMED_HEADER,
            Reason.WRONG_KEY, Reason.HEADER_AUTH_FAILED, Reason.TRUNCATED);
      }
      case APPEND -> {
        byte[] extra = new byte[1 + rnd.nextInt(80)];
        rnd.nextBytes(extra);
        damaged = concat(a, extra);
        releaseLimit = (long) (n - 1) * s.chunkSize();
        expected = EnumSet.of(Reason.TRAILING_DATA, Reason.CHUNK_AUTH_FAILED);
      }
      case SPLICE_FOREIGN_CHUNK -> {
        if (foreign == s || foreign.chunkSize() != s.chunkSize()) return null;
        int i = rnd.nextInt(Math.min(n, foreign.chunks()));
        damaged = concat(slice(a, 0, s.chunkStart(i)), chunk(foreign, i), slice(a, s.chunkEnd(i), a.length));
        releaseLimit = (long) i * s.chunkSize();
        expected = STREAM_DAMAGE;
      }
      case WRONG_BINDING -> {
        damaged = a;
        binding = ("task-" + (8 + rnd.nextInt(1000))).getBytes(StandardCharsets.UTF_8);
        releaseLimit = 0;
        expected = EnumSet.of(Reason.WRONG_BINDING);
      }
      case WRONG_KEY -> {
        damaged = a;
        key = other;
        releaseLimit = 0;
        expected = EnumSet.of(Reason.WRONG_KEY);
      }
      default -> throw new AssertionError(d);
    }

    ByteArrayOutputStream released = new ByteArrayOutputStream();
    SealOptions options = new SealOptions(s.chunkSize(), rnd.nextInt(10) == 0 ? 3 : 1, SealOptions.Engine.JCA);
    try (InputStream in = SealedArchive.newOpeningStream(new ByteArrayInputStream(damaged), key, binding, options)) {
      byte[] buf = new byte[1 + rnd.nextInt(3 * s.chunkSize())];
      for (int r; (r = in.read(buf, 0, 1 + rnd.nextInt(buf.length))) >= 0; ) released.write(buf, 0, r);
      fail(what + ": damaged archive opened without error, released " + released.size() + " bytes");
      return null;
    } catch (SealedArchiveException e) {
      assertThat(expected).as(what + ": " + e.getMessage()).contains(e.reason());
      byte[] out = released.toByteArray();
      assertThat(out.length).as(what + ": bytes released before the first damaged chunk").isLessThanOrEqualTo((int) Math.max(0, releaseLimit));
      assertThat(out).as(what + ": released bytes are the true plaintext").isEqualTo(Arrays.copyOf(s.plain(), out.length));
      // After a failure the stream stays failed.
      return new Outcome(e.reason());
    }
  }

  /** Plaintext that may precede damage at archive offset {@code pos}: whole chunks before it. */
  private static long limitFor(Sample s, int pos) {
    if (pos < s.headerLength()) return 0;
    return (long) ((pos - s.headerLength()) / s.frame()) * s.chunkSize();
  }

  private static Sample sample(KemKeyPair pair, int len, int chunk, Random rnd) throws IOException {
    byte[] plain = new byte[len];
    rnd.nextBytes(plain);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (SealingOutputStream out = SealedArchive.newSealingStream(sink, pair.publicKey(), BINDING, new SealOptions(chunk, 1, SealOptions.Engine.JCA))) {
      out.write(plain);
    }
    return new Sample(plain, sink.toByteArray(), chunk, SealedArchiveTest.headerLength(HpkeSuite.X25519));
  }

  private static byte[] chunk(Sample s, int i) {
    return slice(s.archive(), s.chunkStart(i), s.chunkEnd(i));
  }

  private static byte[] slice(byte[] a, int from, int to) {
    return Arrays.copyOfRange(a, from, to);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) b.writeBytes(p);
    return b.toByteArray();
  }
}
