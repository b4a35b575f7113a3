package org.secaimed.connector.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Decoding ahead of the caller: same bytes in order, failures after the bytes before them, bounded work, clean close. */
class ReadAheadInputStreamTest {

  @Test
  void passesOnExactlyTheSourceBytesWhateverTheReadSizes() throws IOException {
    byte[] plain = CompressedArchiveTest.ctLike(3 * ReadAheadInputStream.PIECE + 12_345, 1);
    try (InputStream in = new ReadAheadInputStream(new ByteArrayInputStream(plain), "test")) {
      byte[] first = new byte[7];
      assertThat(in.read(first)).isEqualTo(7);
      assertThat(in.read()).isEqualTo(plain[7] & 0xFF);
      byte[] rest = in.readAllBytes();
      assertThat(rest.length).isEqualTo(plain.length - 8);
      assertThat(rest[rest.length - 1]).isEqualTo(plain[plain.length - 1]);
      assertThat(in.read()).isEqualTo(-1);
    }
    try (InputStream in = new ReadAheadInputStream(new ByteArrayInputStream(new byte[0]), "test")) {
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void aSourceFailureArrivesUnchangedAfterTheBytesReadBeforeIt() {
    SealedArchiveException verdict = new SealedArchiveException(SealedArchiveException.Reason.CHUNK_AUTH_FAILED, "chunk 9 failed");
    InputStream failing = new FilterInputStream(new ByteArrayInputStream(new byte[1500])) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, Math.min(len, 1000));
        if (n < 0) throw verdict;
        return n;
      }
    };
    long[] got = {0};
    assertThatThrownBy(() -> {
      try (InputStream in = new ReadAheadInputStream(failing, "test")) {
        byte[] buf = new byte[4096];
        for (int n; (n = in.read(buf)) >= 0; ) got[0] += n;
      }
    }).isSameAs(verdict);
    // readNBytes lost nothing it had read: the bytes before the failure are not released (a piece
    // is handed on only whole), so the caller sees at most what the source gave before failing.
    assertThat(got[0]).isLessThanOrEqualTo(1500);
  }

  @Test
  void readsAtMostAFewPiecesAheadAndCloseStopsTheThreadAndClosesTheSource() throws Exception {
    AtomicLong served = new AtomicLong();
    AtomicBoolean closed = new AtomicBoolean();
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        served.incrementAndGet();
        return 0;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        served.addAndGet(len);
        return len;
      }

      @Override
      public void close() {
        closed.set(true);
      }
    };
    ReadAheadInputStream in = new ReadAheadInputStream(endless, "bounded-test");
    assertThat(in.read()).isZero();
    Thread.sleep(200); // give the thread every chance to run away
    assertThat(served.get()).isLessThanOrEqualTo((ReadAheadInputStream.DEPTH + 2L) * ReadAheadInputStream.PIECE);
    in.close();
    assertThat(closed).isTrue();
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("bounded-test") && t.isAlive());
    assertThatThrownBy(in::read).isInstanceOf(IOException.class);
  }
}
