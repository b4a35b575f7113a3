package org.secaimed.connector.attest.verify.dcap;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.secaimed.connector.attest.EvidenceFormatException;

/**
 * Jazzer target for the CCEL parser: any bytes either parse (and then replay into four 48-byte
 * RTMRs) or are a typed format error; never another exception. {@code mvn test} replays the
 * corpus; {@code scripts/fuzz CcelEventLogFuzzTest} fuzzes.
 */
class CcelEventLogFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void anyLog(byte[] data) {
    try {
      byte[][] r = CcelEventLog.parse(data).replay();
      assertThat(r.length).isEqualTo(4);
      for (byte[] m : r) assertThat(m).hasSize(48);
    } catch (EvidenceFormatException e) {
      assertThat(e.getMessage()).contains("ccel");
    }
  }
}
