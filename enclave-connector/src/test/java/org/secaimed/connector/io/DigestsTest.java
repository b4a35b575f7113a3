package org.secaimed.connector.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DigestsTest {
  private static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);
  /** FIPS 180-2, appendix B.1. */
  private static final String ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @Test
  void hexAndNotationOfTheKnownAnswer() {
    assertThat(Digests.sha256Hex(ABC)).isEqualTo(ABC_SHA256);
    assertThat(Digests.of(ABC)).isEqualTo("sha256:" + ABC_SHA256);
    assertThat(Digests.hex(Digests.sha256(ABC))).isEqualTo(ABC_SHA256);
    var md = Digests.sha256();
    md.update(ABC);
    assertThat(Digests.hex(md)).isEqualTo(ABC_SHA256);
  }

  @Test
  void notationIsStrict() {
    assertThat(Digests.isDigest("sha256:" + ABC_SHA256)).isTrue();
    assertThat(Digests.isDigest(null)).isFalse();
    assertThat(Digests.isDigest(ABC_SHA256)).isFalse();
    assertThat(Digests.isDigest("sha256:" + ABC_SHA256.toUpperCase())).isFalse();
    assertThat(Digests.isDigest("sha256:" + ABC_SHA256 + "0")).isFalse();
    assertThat(Digests.isDigest("sha256:" + ABC_SHA256 + "\n")).isFalse();
  }
}
