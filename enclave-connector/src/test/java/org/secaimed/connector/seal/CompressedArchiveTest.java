package org.secaimed.connector.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.secaimed.connector.seal.SealedArchiveException.Reason;

/** zstd inside the sealed archive: round trips, the authenticated encoding, the expansion bound, padding. */
class CompressedArchiveTest {
  private static final byte[] BINDING = "task-7".getBytes(StandardCharsets.UTF_8);
  private static final KemKeyPair PAIR = KemKeyPair.generate(HpkeSuite.X25519);
  /** Offset of the content-encoding byte in a version 2 header: magic, version, 3 suite ids, chunk size. */
  private static final int ENCODING_OFFSET = 8 + 1 + 2 + 2 + 2 + 4;
  private static final SealOptions ZSTD = new SealOptions(1024, 3, SealOptions.Engine.JCA).withCompression(Compression.zstd());

  @Test
  void ctLikeDataRoundTripsCompressedAndSmallerWithEveryParallelismAndAtChunkBoundaries() throws IOException {
    for (int parallelism : new int[] {1, 3}) {
      SealOptions options = ZSTD.withParallelism(parallelism);
      for (int len : new int[] {0, 1, 1023, 1024, 1025, 300_000, 2_000_000}) {
        byte[] plain = ctLike(len, len + parallelism);
        byte[] archive = seal(plain, options);
        assertThat(archive[8]).as("version").isEqualTo((byte) 2);
        assertThat(archive[ENCODING_OFFSET]).as("encoding").isEqualTo((byte) 1);
        assertThat(open(archive, options)).as("p=%d len=%d", parallelism, len).isEqualTo(plain);
        if (len >= 300_000) assertThat(archive.length).as("compressed").isLessThan(len * 3 / 4);
      }
    }
  }

  @Test
  void bytePlanesRoundTripAtEveryBlockBoundaryAndCompressCtBetterThanPlainZstd() throws IOException {
    SealOptions planes = ZSTD.withCompression(Compression.zstdBytePlanes());
    int b = BytePlanes.BLOCK;
    for (int len : new int[] {0, 1, 2, 3, b - 1, b, b + 1, 2 * b, 3 * b + 7, 500_001}) {
      byte[] plain = ctLike(len, len);
      byte[] archive = seal(plain, planes);
      assertThat(archive[ENCODING_OFFSET]).isEqualTo((byte) 2);
      assertThat(open(archive, ZSTD)).as("len=%d", len).isEqualTo(plain);
    }
    byte[] ct = ctLike(1_000_000, 5);
    assertThat(seal(ct, planes).length).isLessThan(seal(ct, ZSTD).length * 9 / 10);
    byte[] scratch = new byte[7];
    byte[] back = new byte[7];
    BytePlanes.shuffle(new byte[] {1, 2, 3, 4, 5, 6, 7}, scratch, 7);
    assertThat(scratch).containsExactly(1, 3, 5, 2, 4, 6, 7);
    BytePlanes.unshuffle(scratch, back, 7);
    assertThat(back).containsExactly(1, 2, 3, 4, 5, 6, 7);
  }

  @Test
  void multiThreadedZstdWritesTheSameFormatThatSingleThreadedReadersOpenAndViceVersa() throws IOException {
    // 12 MB: several of zstd's multi-threading jobs (2 MiB at level 1), so the frame really is cut into jobs.
    byte[] plain = ctLike(12_000_000, 21);
    SealOptions planes = ZSTD.withCompression(Compression.zstdBytePlanes());
    byte[] parallel = seal(plain, planes.withParallelism(2));
    byte[] single = seal(plain, planes.withParallelism(1)); // as the writer before zstd workers did
    assertThat(parallel[ENCODING_OFFSET]).isEqualTo(single[ENCODING_OFFSET]).isEqualTo((byte) 2);
    assertThat(open(parallel, ZSTD.withParallelism(1))).as("read on the caller's thread, no read-ahead").isEqualTo(plain);
    assertThat(open(single, ZSTD.withParallelism(2))).as("an archive of the old writer, read ahead").isEqualTo(plain);
    assertThat(open(parallel, ZSTD.withParallelism(2))).isEqualTo(plain);
    assertThat((double) parallel.length).as("jobs cost little ratio").isLessThan(single.length * 1.02);
  }

  @Test
  void tamperingInALargeCompressedArchiveIsStillTypedBehindTheReadAhead() throws IOException {
    byte[] plain = ctLike(6_000_000, 22);
    SealOptions options = new SealOptions(SealOptions.DEFAULT_CHUNK_SIZE, 2, SealOptions.Engine.JCA)
        .withCompression(Compression.zstdBytePlanes());
    byte[] archive = seal(plain, options);
    archive[archive.length * 2 / 3] ^= 1;
    long[] released = {0};
    assertThatThrownBy(() -> {
      try (InputStream in = SealedArchive.newOpeningStream(new ByteArrayInputStream(archive), PAIR, BINDING, options)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) >= 0; ) released[0] += n;
      }
    }).isInstanceOfSatisfying(SealedArchiveException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CHUNK_AUTH_FAILED));
    assertThat(released[0]).isLessThan(plain.length);
  }

  @Test
  void identityArchivesStayVersionOneAndStillOpen() throws IOException {
    byte[] plain = ctLike(10_000, 3);
    byte[] archive = seal(plain, new SealOptions(1024, 1, SealOptions.Engine.JCA));
    assertThat(archive[8]).isEqualTo((byte) 1);
    assertThat(archive.length).isEqualTo(32 + ArchiveHeader.FIXED_LENGTH + 16 + plain.length + 16 * 10);
    // Opening options that ask for compression change nothing: the header decides.
    assertThat(open(archive, ZSTD)).isEqualTo(plain);
  }

  @Test
  void aGatewayCannotStripOrAddTheCompressionClaim() throws IOException {
    byte[] plain = ctLike(50_000, 4);
    byte[] compressed = seal(plain, ZSTD);
    // Downgrade: version 1 and the encoding byte removed, so the zstd bytes would pass as the study.
    byte[] stripped = new byte[compressed.length - 1];
    System.arraycopy(compressed, 0, stripped, 0, ENCODING_OFFSET);
    System.arraycopy(compressed, ENCODING_OFFSET + 1, stripped, ENCODING_OFFSET, stripped.length - ENCODING_OFFSET);
    stripped[8] = 1;
    assertReason(stripped, ZSTD, Reason.HEADER_AUTH_FAILED);
    // Upgrade: an identity archive relabelled as compressed.
    byte[] identity = seal(plain, new SealOptions(1024, 1, SealOptions.Engine.JCA));
    byte[] relabelled = new byte[identity.length + 1];
    System.arraycopy(identity, 0, relabelled, 0, ENCODING_OFFSET);
    relabelled[ENCODING_OFFSET] = 1;
    System.arraycopy(identity, ENCODING_OFFSET, relabelled, ENCODING_OFFSET + 1, identity.length - ENCODING_OFFSET);
    relabelled[8] = 2;
    assertReason(relabelled, ZSTD, Reason.HEADER_AUTH_FAILED);
    // Plain zstd relabelled as byte planes (and back): both valid encodings, so only the tag can tell.
    byte[] asPlanes = compressed.clone();
    asPlanes[ENCODING_OFFSET] = 2;
    assertReason(asPlanes, ZSTD, Reason.HEADER_AUTH_FAILED);
    byte[] planes = seal(plain, ZSTD.withCompression(Compression.zstdBytePlanes()));
    byte[] asPlain = planes.clone();
    asPlain[ENCODING_OFFSET] = 1;
    assertReason(asPlain, ZSTD, Reason.HEADER_AUTH_FAILED);
    // The byte itself flipped to an encoding that version 2 does not carry.
    for (byte other : new byte[] {0, 3, (byte) 0xFF}) {
      byte[] flipped = compressed.clone();
      flipped[ENCODING_OFFSET] = other;
      assertReason(flipped, ZSTD, Reason.UNSUPPORTED_ENCODING);
    }
  }

  @Test
  void aDecompressionBombIsRefusedAfterBoundedWork() throws IOException {
    // 256 MiB of zeros compress to a few kilobytes; anyone holding the enclave's public key can seal that.
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    byte[] zeros = new byte[1 << 20];
    try (SealingOutputStream out = SealedArchive.newSealingStream(sink, PAIR.publicKey(), BINDING, ZSTD)) {
      for (int i = 0; i < 256; i++) out.write(zeros);
    }
    byte[] bomb = sink.toByteArray();
    assertThat(bomb.length).isLessThan(64 << 10);
    SealOptions bounded = ZSTD.withExpansionBound(new ExpansionBound(8 << 20, 64));
    long[] released = {0};
    assertThatThrownBy(() -> {
      try (InputStream in = SealedArchive.newOpeningStream(new ByteArrayInputStream(bomb), PAIR, BINDING, bounded)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) >= 0; ) released[0] += n;
      }
    }).isInstanceOfSatisfying(SealedArchiveException.class, e -> {
      assertThat(e.reason()).isEqualTo(Reason.DECOMPRESSED_TOO_LARGE);
      assertThat(e.getMessage()).contains("decompression bomb").doesNotContain("Exception");
    });
    assertThat(released[0]).isLessThanOrEqualTo((8 << 20) + 64L * bomb.length);
    // The default bound (1 GiB + 256 x) lets the same archive through: it is a bound, not a ban on zeros.
    assertThat(open(bomb, ZSTD)).hasSize(256 << 20);
  }

  @Test
  void authenticContentThatIsNotZstdIsATypedRefusal() throws IOException {
    // Our writer never does this, but anyone holding the public key can seal garbage under a zstd header.
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    SealingOutputStream out = SealedArchive.newSealingStream(sink, PAIR.publicKey(), BINDING, ZSTD);
    ChunkSealingStream content = out.chunksForTest();
    content.write(ctLike(5000, 9));
    content.close();
    assertReason(sink.toByteArray(), ZSTD, Reason.DECOMPRESSION_FAILED);
    // A zstd stream cut short (sealed intact, so the chunk layer accepts it) is refused the same way.
    byte[] frame = zstdOf(ctLike(5000, 10));
    ByteArrayOutputStream sink2 = new ByteArrayOutputStream();
    SealingOutputStream out2 = SealedArchive.newSealingStream(sink2, PAIR.publicKey(), BINDING, ZSTD);
    out2.chunksForTest().write(frame, 0, frame.length - 7);
    out2.chunksForTest().close();
    assertReason(sink2.toByteArray(), ZSTD, Reason.DECOMPRESSION_FAILED);
  }

  private static byte[] zstdOf(byte[] plain) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (var z = new com.github.luben.zstd.ZstdOutputStream(b, 1)) {
      z.write(plain);
    }
    return b.toByteArray();
  }

  @Test
  void paddingReachesAPadmeBucketAndOpensToTheSamePlaintext() throws IOException {
    byte[] plain = ctLike(700_000, 12);
    byte[] unpadded = seal(plain, ZSTD);
    byte[] padded = seal(plain, ZSTD.withCompression(Compression.zstd().padded()));
    assertThat(open(padded, ZSTD)).isEqualTo(plain);
    assertThat(padded.length).isGreaterThan(unpadded.length).isLessThan((int) (unpadded.length * 1.13));
    // The compressed stream (what the chunks carry) is padded to exactly the next Padme bucket.
    int header = 32 + ArchiveHeader.FIXED_LENGTH_V2 + 16;
    long sealedUnpadded = unpadded.length - header;
    long compressed = sealedUnpadded - 16 * ((sealedUnpadded + 1039) / 1040);
    long bucket = PadmeBuckets.padded(compressed + 8);
    assertThat((long) padded.length).isEqualTo(header + bucket + 16 * ((bucket + 1023) / 1024));
  }

  @Test
  void padmeBucketsKeepOnlyTheTopBits() {
    assertThat(PadmeBuckets.padded(0)).isZero();
    assertThat(PadmeBuckets.padded(1000)).isEqualTo(1024);
    assertThat(PadmeBuckets.padded(1_000_000)).isEqualTo(1_015_808);
    for (long l = 2; l < 1L << 40; l = l * 3 + 1) {
      long p = PadmeBuckets.padded(l);
      assertThat(p).isGreaterThanOrEqualTo(l).isLessThanOrEqualTo((long) (l * 1.12) + 1);
      assertThat(PadmeBuckets.padded(p)).isEqualTo(p);
    }
  }

  /** 16-bit little-endian samples around 1000 HU-ish with Gaussian noise: compresses like real CT (about 2x), not like air. */
  static byte[] ctLike(int length, long seed) {
    Random r = new Random(seed);
    byte[] b = new byte[length];
    for (int i = 0; i + 1 < length; i += 2) {
      int v = 1000 + (int) (r.nextGaussian() * 12) + ((i >> 12) & 0xFF);
      b[i] = (byte) v;
      b[i + 1] = (byte) (v >> 8);
    }
    return b;
  }

  private static byte[] seal(byte[] plain, SealOptions options) throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (SealingOutputStream out = SealedArchive.newSealingStream(sink, PAIR.publicKey(), BINDING, options)) {
      out.write(plain);
    }
    return sink.toByteArray();
  }

  private static byte[] open(byte[] archive, SealOptions options) throws IOException {
    try (InputStream in = SealedArchive.newOpeningStream(new ByteArrayInputStream(archive), PAIR, BINDING, options)) {
      return in.readAllBytes();
    }
  }

  private static void assertReason(byte[] archive, SealOptions options, Reason reason) {
    assertThatThrownBy(() -> open(archive, options)).isInstanceOfSatisfying(SealedArchiveException.class,
        e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
