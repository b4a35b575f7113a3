package org.secaimed.connector.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.secaimed.connector.seal.SealedArchiveException.Reason;

class SealedArchiveTest {
  private static final byte[] BINDING = "task-42/evidence-sha256:ab12".getBytes(StandardCharsets.UTF_8);

  @ParameterizedTest
  @EnumSource(HpkeSuite.class)
  void everySuiteRoundTrips(HpkeSuite suite) throws IOException {
    KemKeyPair pair = KemKeyPair.generate(suite);
    byte[] plain = random(100_000, 1);
    byte[] archive = SealedArchive.seal(plain, pair.publicKey(), BINDING);
    assertThat(SealedArchive.open(archive, pair, BINDING)).isEqualTo(plain);
    // A fresh encapsulation per archive: sealing twice never gives the same bytes.
    assertThat(SealedArchive.seal(plain, pair.publicKey(), BINDING)).isNotEqualTo(archive);
  }

  @Test
  void lengthsAroundChunkBoundariesRoundTripWithEveryEngineAndParallelism() throws IOException {
    KemKeyPair pair = KemKeyPair.generate(HpkeSuite.X25519);
    int chunk = 64;
    for (SealOptions.Engine engine : SealOptions.Engine.values()) {
      for (int parallelism : new int[] {1, 3}) {
        SealOptions options = new SealOptions(chunk, parallelism, engine);
        // 64 chunks of 64 bytes form one parallel batch: lengths on and around batch boundaries too.
        for (int len : new int[] {0, 1, chunk - 1, chunk, chunk + 1, 2 * chunk, 7 * chunk + 5, 50 * chunk,
            64 * chunk, 64 * chunk + 1, 128 * chunk, 130 * chunk + 7}) {
          byte[] plain = random(len, len);
          byte[] archive = seal(plain, pair.publicKey(), options);
          int chunks = Math.max(1, (len + chunk - 1) / chunk);
          assertThat(archive.length).as("archive length for %d bytes", len)
              .isEqualTo(headerLength(HpkeSuite.X25519) + len + 16 * chunks);
          assertThat(open(archive, pair, options)).as("%s p=%d len=%d", engine, parallelism, len).isEqualTo(plain);
        }
      }
    }
  }

  @Test
  void aBadChunkInsideAParallelBatchReleasesExactlyTheChunksBeforeIt() throws IOException {
    KemKeyPair pair = KemKeyPair.generate(HpkeSuite.X25519);
    int chunk = 64;
    SealOptions parallel = new SealOptions(chunk, 3, SealOptions.Engine.JCA);
    byte[] plain = random(300 * chunk + 9, 11);
    byte[] archive = seal(plain, pair.publicKey(), parallel);
    int header = headerLength(HpkeSuite.X25519);
    for (int bad : new int[] {0, 1, 63, 64, 100, 200, 300}) {
      byte[] damaged = archive.clone();
      damaged[header + bad * (chunk + 16) + 3] ^= 0x20;
      ByteArrayOutputStream released = new ByteArrayOutputStream();
      try (InputStream in = SealedArchive.newOpeningStream(new ByteArrayInputStream(damaged), pair, BINDING, parallel)) {
        assertThatThrownBy(() -> in.transferTo(released))
            .isInstanceOfSatisfying(SealedArchiveException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CHUNK_AUTH_FAILED))
            .hasMessageContaining("chunk " + bad + " ");
        assertThatThrownBy(in::read).isInstanceOf(SealedArchiveException.class); // and stays failed
      }
      assertThat(released.toByteArray()).as("released before bad chunk %d", bad)
          .isEqualTo(Arrays.copyOf(plain, bad * chunk));
    }
  }

  @Test
  void cutsAndAppendsAtParallelBatchBoundariesAreTypedAndReleaseOnlyWholeVerifiedChunks() throws IOException {
    KemKeyPair pair = KemKeyPair.generate(HpkeSuite.X25519);
    int chunk = 64;
    int frame = chunk + 16;
    SealOptions parallel = new SealOptions(chunk, 3, SealOptions.Engine.JCA); // 64 chunks per batch
    byte[] plain = random(192 * chunk, 12); // exactly three batches; the final chunk ends the third
    byte[] archive = seal(plain, pair.publicKey(), parallel);
    int header = headerLength(HpkeSuite.X25519);
    // Cut after whole chunks on and beside batch boundaries: chunk 63 (or 127, ...) is not final.
    for (int kept : new int[] {63, 64, 65, 128, 191}) {
      byte[] cut = Arrays.copyOf(archive, header + kept * frame);
      assertReleasedThenReason(cut, pair, parallel, Arrays.copyOf(plain, (kept - 1) * chunk), Reason.TRUNCATED);
    }
    // Cut inside the first chunk of the second batch.
    assertReleasedThenReason(Arrays.copyOf(archive, header + 64 * frame + 10), pair, parallel,
        Arrays.copyOf(plain, 64 * chunk), Reason.TRUNCATED);
    // Bytes after a final chunk that ends a batch: a whole extra frame, and a single byte.
    for (int extra : new int[] {frame, 1}) {
      byte[] appended = Arrays.copyOf(archive, archive.length + extra);
      assertReleasedThenReason(appended, pair, parallel, Arrays.copyOf(plain, 191 * chunk), Reason.TRAILING_DATA);
    }
  }

  /** Opens in parallel and on one core (the reference): the same bytes, then the same typed reason. */
  private static void assertReleasedThenReason(byte[] archive, KemKeyPair pair, SealOptions options, byte[] expectedReleased,
      Reason reason) throws IOException {
    for (SealOptions o : new SealOptions[] {options, options.withParallelism(1)}) {
      ByteArrayOutputStream released = new ByteArrayOutputStream();
      try (InputStream in = SealedArchive.newOpeningStream(new ByteArrayInputStream(archive), pair, BINDING, o)) {
        assertThatThrownBy(() -> in.transferTo(released))
            .isInstanceOfSatisfying(SealedArchiveException.class, e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
      }
      assertThat(released.toByteArray()).as("released with parallelism %d", o.parallelism()).isEqualTo(expectedReleased);
    }
  }

  @Test
  void engineAndParallelismDoNotChangeTheFormat() throws IOException {
    KemKeyPair pair = KemKeyPair.generate(HpkeSuite.X25519);
    byte[] plain = random(10_000, 3);
    byte[] archive = seal(plain, pair.publicKey(), new SealOptions(100, 4, SealOptions.Engine.JCA));
    assertThat(open(archive, pair, new SealOptions(16, 1, SealOptions.Engine.BOUNCY_CASTLE))).isEqualTo(plain);
  }

  @Test
  void manyMegabytesStreamInParallelWithBoundedWritesAndMatchingDigest() throws Exception {
    KemKeyPair pair = KemKeyPair.generate(HpkeSuite.XWING);
    long total = 24L << 20;
    SealOptions options = new SealOptions(256 << 10, 4, SealOptions.Engine.JCA);
    MessageDigest in = MessageDigest.getInstance("SHA-256");
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    Random r = new Random(7);
    byte[] block = new byte[100_003];
    try (SealingOutputStream out = SealedArchive.newSealingStream(sink, pair.publicKey(), BINDING, options)) {
      for (long written = 0; written < total; ) {
        r.nextBytes(block);
        int n = (int) Math.min(block.length, total - written);
        out.write(block, 0, n);
        in.update(block, 0, n);
        written += n;
      }
      assertThat(out.plaintextBytes()).isEqualTo(total);
    }
    MessageDigest outDigest = MessageDigest.getInstance("SHA-256");
    long read = 0;
    try (InputStream opened = SealedArchive.newOpeningStream(new ByteArrayInputStream(sink.toByteArray()), pair, BINDING, options)) {
      byte[] buf = new byte[65_537];
      for (int n; (n = opened.read(buf)) > 0; ) {
        outDigest.update(buf, 0, n);
        read += n;
      }
    }
    assertThat(read).isEqualTo(total);
    assertThat(outDigest.digest()).isEqualTo(in.digest());
  }

  @Test
  void wrongKeyOfTheSameSuiteIsNamed() throws IOException {
    KemKeyPair pair = KemKeyPair.generate(HpkeSuite.X25519);
    byte[] archive = SealedArchive.seal(random(10, 1), pair.publicKey(), BINDING);
    assertReason(() -> SealedArchive.open(archive, KemKeyPair.generate(HpkeSuite.X25519), BINDING), Reason.WRONG_KEY);
    assertReason(() -> SealedArchive.open(archive, KemKeyPair.generate(HpkeSuite.P256), BINDING), Reason.WRONG_KEY);
  }

  @Test
  void wrongBindingIsNamed() throws IOException {
    KemKeyPair pair = KemKeyPair.generate(HpkeSuite.P256);
    byte[] archive = SealedArchive.seal(random(10, 1), pair.publicKey(), BINDING);
    assertReason(() -> SealedArchive.open(archive, pair, "task-43".getBytes(StandardCharsets.UTF_8)), Reason.WRONG_BINDING);
    assertReason(() -> SealedArchive.open(archive, pair, new byte[0]), Reason.WRONG_BINDING);
  }

  @Test
  void headerFieldsAreCheckedAndNamed() throws IOException {
    KemKeyPair pair = KemKeyPair.generate(HpkeSuite.X25519);
    byte[] archive = SealedArchive.seal(random(10, 1), pair.publicKey(), BINDING);
    assertReason(() -> SealedArchive.open(new byte[0], pair, BINDING), Reason.BAD_MAGIC);
    assertReason(() -> SealedArchive.open("PK\u0003\u0004 a zip file".getBytes(StandardCharsets.ISO_8859_1), pair, BINDING), Reason.BAD_MAGIC);
    assertReason(() -> SealedArchive.open(Arrays.copyOf(archive, 30), pair, BINDING), Reason.TRUNCATED);
    assertReason(() -> SealedArchive.open(edit(archive, 8, 3), pair, BINDING), Reason.UNSUPPORTED_VERSION);
    assertReason(() -> SealedArchive.open(edit(archive, 10, 0x21), pair, BINDING), Reason.UNSUPPORTED_SUITE); // X448
    assertReason(() -> SealedArchive.open(edit(archive, 14, 1), pair, BINDING), Reason.UNSUPPORTED_SUITE); // AES-128-GCM
    assertReason(() -> SealedArchive.open(edit(archive, 15, 0x7F), pair, BINDING), Reason.MALFORMED_HEADER); // chunk size
    assertReason(() -> SealedArchive.open(edit(archive, 84, 33), pair, BINDING), Reason.MALFORMED_HEADER); // enc length
    assertReason(() -> SealedArchive.open(edit(archive, 20, archive[20] ^ 1), pair, BINDING), Reason.WRONG_KEY);
    // An edited binding digest or chunk size is caught by the header tag, not taken at face value.
    assertReason(() -> SealedArchive.open(edit(archive, 60, archive[60] ^ 1), pair, BINDING), Reason.HEADER_AUTH_FAILED);
    assertReason(() -> SealedArchive.open(edit(archive, 18, archive[18] ^ 0x10), pair, BINDING), Reason.HEADER_AUTH_FAILED);
    assertReason(() -> SealedArchive.open(edit(archive, 90, archive[90] ^ 1), pair, BINDING), Reason.HEADER_AUTH_FAILED);
  }

  @Test
  void aFailedStreamStaysFailedAndReleasesNothingMore() throws IOException {
    KemKeyPair pair = KemKeyPair.generate(HpkeSuite.X25519);
    SealOptions options = new SealOptions(32, 1, SealOptions.Engine.JCA);
    byte[] plain = random(32 * 5, 9);
    byte[] archive = seal(plain, pair.publicKey(), options);
    archive[headerLength(HpkeSuite.X25519) + 2 * 48 + 5] ^= 1; // inside chunk 2
    try (InputStream in = SealedArchive.newOpeningStream(new ByteArrayInputStream(archive), pair, BINDING, options)) {
      byte[] first = in.readNBytes(64);
      assertThat(first).isEqualTo(Arrays.copyOf(plain, 64));
      assertReason(in::read, Reason.CHUNK_AUTH_FAILED);
      assertReason(in::read, Reason.CHUNK_AUTH_FAILED);
      assertReason(() -> in.read(new byte[10]), Reason.CHUNK_AUTH_FAILED);
    }
  }

  @Test
  void anArchiveWithoutChunksIsTruncated() throws IOException {
    KemKeyPair pair = KemKeyPair.generate(HpkeSuite.X25519);
    byte[] archive = SealedArchive.seal(new byte[0], pair.publicKey(), BINDING);
    assertThat(SealedArchive.open(archive, pair, BINDING)).isEmpty();
    assertReason(() -> SealedArchive.open(Arrays.copyOf(archive, headerLength(HpkeSuite.X25519)), pair, BINDING), Reason.TRUNCATED);
  }

  @Test
  void abortLeavesAnArchiveThatDoesNotOpen() throws IOException {
    KemKeyPair pair = KemKeyPair.generate(HpkeSuite.X25519);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    InputStream failing = new InputStream() {
      int left = 1000;
      @Override public int read() throws IOException {
        if (left <= 0) throw new IOException("PACS connection reset");
        left--;
        return 7;
      }
    };
    assertThatThrownBy(() -> SealedArchive.seal(failing, sink, pair.publicKey(), BINDING, new SealOptions(64, 2, SealOptions.Engine.JCA)))
        .hasMessageContaining("PACS connection reset");
    assertReason(() -> SealedArchive.open(sink.toByteArray(), pair, BINDING), Reason.TRUNCATED);
  }

  @Test
  void sinkFailureIsReportedAndStaysReported() throws IOException {
    KemKeyPair pair = KemKeyPair.generate(HpkeSuite.X25519);
    OutputStream broken = new OutputStream() {
      int budget = 200;
      @Override public void write(int b) throws IOException { write(new byte[] {(byte) b}, 0, 1); }
      @Override public void write(byte[] b, int off, int len) throws IOException {
        budget -= len;
        if (budget < 0) throw new IOException("disk full");
      }
    };
    SealingOutputStream out = SealedArchive.newSealingStream(broken, pair.publicKey(), BINDING, new SealOptions(64, 2, SealOptions.Engine.JCA));
    // More than the pipeline window holds (4 batches of 64 chunks), so write() itself must reach the sink.
    assertThatThrownBy(() -> out.write(new byte[100_000])).hasMessageContaining("disk full");
    assertThatThrownBy(() -> out.write(1)).hasMessageContaining("disk full");
    assertThatThrownBy(out::close).hasMessageContaining("disk full");
  }

  @Test
  void aSinkFailureInsideTryWithResourcesReachesTheCallerUnmasked() {
    KemKeyPair pair = KemKeyPair.generate(HpkeSuite.X25519);
    OutputStream broken = new OutputStream() {
      int budget = 200; // the header fits, the first chunks do not
      @Override public void write(int b) throws IOException { write(new byte[] {(byte) b}, 0, 1); }
      @Override public void write(byte[] b, int off, int len) throws IOException {
        budget -= len;
        if (budget < 0) throw new IOException("disk full");
      }
    };
    // close() must not rethrow the body's own exception: try-with-resources would fail to add it
    // as suppressed to itself and throw "Self-suppression not permitted" instead.
    assertThatThrownBy(() -> {
      try (SealingOutputStream out = SealedArchive.newSealingStream(broken, pair.publicKey(), BINDING, new SealOptions(64, 2, SealOptions.Engine.JCA))) {
        out.write(new byte[100_000]);
      }
    }).isInstanceOf(IOException.class).hasMessageContaining("disk full")
        .satisfies(e -> assertThat(e.getSuppressed()).singleElement().satisfies(s -> assertThat(s).hasMessageContaining("archive not sealed")));
  }

  @Test
  void invalidRecipientKeyIsTypedAtSealTime() {
    KemPublicKey lowOrder = KemPublicKey.of(HpkeSuite.X25519, new byte[32]);
    assertReason(() -> SealedArchive.seal(new byte[1], lowOrder, BINDING), Reason.INVALID_RECIPIENT_KEY);
    assertThatThrownBy(() -> KemPublicKey.of(HpkeSuite.P256, new byte[65])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KemPublicKey.of(HpkeSuite.XWING, new byte[32])).hasMessageContaining("1216 bytes");
  }

  @Test
  void suiteLabelsRoundTrip() {
    for (HpkeSuite s : HpkeSuite.values()) assertThat(HpkeSuite.fromLabel(s.label())).isSameAs(s);
    assertThat(HpkeSuite.fromLabel("X25519")).isSameAs(HpkeSuite.X25519);
    assertThatThrownBy(() -> HpkeSuite.fromLabel("rsa")).hasMessageContaining("xwing-sha256-aes256gcm");
  }

  static int headerLength(HpkeSuite suite) {
    return ArchiveHeader.FIXED_LENGTH + suite.hpke().getEncSize() + ArchiveHeader.TAG_LENGTH;
  }

  static byte[] seal(byte[] plain, KemPublicKey key, SealOptions options) throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (SealingOutputStream out = SealedArchive.newSealingStream(sink, key, BINDING, options)) {
      out.write(plain);
    }
    return sink.toByteArray();
  }

  static byte[] open(byte[] archive, KemKeyPair pair, SealOptions options) throws IOException {
    try (InputStream in = SealedArchive.newOpeningStream(new ByteArrayInputStream(archive), pair, BINDING, options)) {
      return in.readAllBytes();
    }
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] edit(byte[] a, int index, int value) {
    byte[] c = a.clone();
    c[index] = (byte) value;
    return c;
  }

  interface Action {
    void run() throws Exception;
  }

  static void assertReason(Action action, Reason reason) {
    assertThatThrownBy(action::run).isInstanceOfSatisfying(SealedArchiveException.class,
        e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
  }
}
