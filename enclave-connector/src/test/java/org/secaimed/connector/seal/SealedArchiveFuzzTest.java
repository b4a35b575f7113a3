package org.secaimed.connector.seal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Jazzer fuzz targets for the archive reader. Under plain {@code mvn test} they replay the seed
 * corpus in {@code SealedArchiveFuzzTestInputs/}; fuzz for real with
 * {@code JAZZER_FUZZ=1 mvn -pl enclave-connector test -Dtest=SealedArchiveFuzzTest#damagedArchive -Djazzer.max_duration=10m}.
 * The property: the reader throws nothing but {@link SealedArchiveException}, and whatever it
 * releases is a prefix of the true plaintext.
 */
class SealedArchiveFuzzTest {
  private static final KemKeyPair KEY = KemKeyPair.derive(HpkeSuite.X25519, "secaimed fuzz key".getBytes(StandardCharsets.US_ASCII));
  private static final byte[] BINDING = "fuzz".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PLAIN = new byte[200];
  private static final byte[] ARCHIVE;

  static {
    for (int i = 0; i < PLAIN.length; i++) PLAIN[i] = (byte) (i * 7);
    try {
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      try (SealingOutputStream out = SealedArchive.newSealingStream(sink, KEY.publicKey(), BINDING, new SealOptions(32, 1, SealOptions.Engine.JCA))) {
        out.write(PLAIN);
      }
      ARCHIVE = sink.toByteArray();
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Arbitrary bytes as an archive. */
  @FuzzTest(maxDuration = "10s")
  void arbitraryBytes(byte[] data) {
    openExpectingOnlyTypedErrors(data, false);
  }

  /** A valid archive edited by the fuzzer: byte edits, a cut, appended bytes. */
  @FuzzTest(maxDuration = "10s")
  void damagedArchive(FuzzedDataProvider d) {
    byte[] a = ARCHIVE.clone();
    int edits = d.consumeInt(0, 4);
    for (int i = 0; i < edits; i++) a[d.consumeInt(0, a.length - 1)] = d.consumeByte();
    int cut = d.consumeInt(0, a.length);
    byte[] tail = d.consumeRemainingAsBytes();
    byte[] damaged = Arrays.copyOf(a, cut + tail.length);
    System.arraycopy(tail, 0, damaged, cut, tail.length);
    openExpectingOnlyTypedErrors(damaged, Arrays.equals(damaged, ARCHIVE));
  }

  private static void openExpectingOnlyTypedErrors(byte[] data, boolean intact) {
    ByteArrayOutputStream released = new ByteArrayOutputStream();
    try (InputStream in = SealedArchive.newOpeningStream(new ByteArrayInputStream(data), KEY, BINDING, new SealOptions(16, 1, SealOptions.Engine.JCA))) {
      byte[] buf = new byte[50];
      for (int n; (n = in.read(buf)) >= 0; ) released.write(buf, 0, n);
      assertThat(released.toByteArray()).as("an archive that opens is the original").isEqualTo(PLAIN);
    } catch (SealedArchiveException e) {
      assertThat(intact).as("the intact archive must open: " + e.getMessage()).isFalse();
      byte[] out = released.toByteArray();
      assertThat(out).isEqualTo(Arrays.copyOf(PLAIN, out.length));
    } catch (IOException e) {
      throw new AssertionError("untyped IOException from the archive reader", e);
    }
  }
}
