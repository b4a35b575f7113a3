package org.secaimed.devtools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The OpenSSL output parser of {@code bench seal}. */
class BenchSealCommandTest {
  @Test
  void parsesOpensslSpeedOutput() {
    String single = "The 'numbers' are in 1000s of bytes per second processed.\ntype          16384 bytes\nAES-256-GCM    3593011.20k\n";
    assertThat(BenchSealCommand.OpensslSpeed.parse(single)).isCloseTo(3593.0112, within(1e-6));
    String multi = "Got: +F:22:AES-256-GCM:3500000.00 from 0\nCPUINFO: x\nAES-256-GCM     837353.47k\n";
    assertThat(BenchSealCommand.OpensslSpeed.parse(multi)).isCloseTo(837.35347, within(1e-6));
    assertThat(BenchSealCommand.OpensslSpeed.parse("speed: unknown option")).isNull();
  }
}
