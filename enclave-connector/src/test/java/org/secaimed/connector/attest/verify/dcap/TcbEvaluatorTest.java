package org.secaimed.connector.attest.verify.dcap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Intel's level matching on small synthetic TCB infos: order, SVN comparisons, TDX module identities, worst-of. */
class TcbEvaluatorTest {
  static final ObjectMapper M = new ObjectMapper();

  static String level(int sgx, int pce, int tdx, String status) {
    String comps = String.join(",", java.util.Collections.nCopies(16, "{\"svn\":" + sgx + "}"));
    // Index 1 is the TDX module major version: 0 in real TCB infos (the module identity judges it when non-zero).
    String tdxComps = "{\"svn\":" + tdx + "},{\"svn\":0}," + String.join(",", java.util.Collections.nCopies(14, "{\"svn\":" + tdx + "}"));
    return "{\"tcb\":{\"sgxtcbcomponents\":[" + comps + "],\"pcesvn\":" + pce + ",\"tdxtcbcomponents\":[" + tdxComps + "]},"
        + "\"tcbDate\":\"2024-01-01T00:00:00Z\",\"tcbStatus\":\"" + status + "\",\"advisoryIDs\":[\"INTEL-SA-00001\"]}";
  }

  static JsonNode info(String... levels) throws Exception {
    return M.readTree("{\"id\":\"TDX\",\"tcbLevels\":[" + String.join(",", levels) + "],"
        + "\"tdxModuleIdentities\":[{\"id\":\"TDX_01\",\"mrsigner\":\"" + "00".repeat(48) + "\",\"attributes\":\"0000000000000000\","
        + "\"attributesMask\":\"FFFFFFFFFFFFFFFF\",\"tcbLevels\":[{\"tcb\":{\"isvsvn\":6},\"tcbStatus\":\"UpToDate\"},"
        + "{\"tcb\":{\"isvsvn\":4},\"tcbStatus\":\"OutOfDate\"}]}]}");
  }

  static PckCertificate pck(int sgx, int pce) {
    int[] comps = new int[16];
    Arrays.fill(comps, sgx);
    return new PckCertificate(null, new byte[6], new byte[2], comps, pce, new byte[16]);
  }

  static byte[] teeTcbSvn(int... first) {
    byte[] svn = new byte[16];
    for (int i = 0; i < first.length; i++) svn[i] = (byte) first[i];
    return svn;
  }

  static TdReport td(byte[] teeTcbSvn) {
    return new TdReport(teeTcbSvn, new byte[48], new byte[48], new byte[8], new byte[8], new byte[8], new byte[48], new byte[48],
        new byte[48], new byte[48], new byte[48], new byte[48], new byte[48], new byte[48], new byte[64], null, null);
  }

  @Test
  void firstLevelThePlatformMeetsWins() throws Exception {
    JsonNode ti = info(level(5, 13, 5, "UpToDate"), level(3, 11, 3, "OutOfDate"));
    assertThat(TcbEvaluator.platform(ti, pck(5, 13), teeTcbSvn(5, 0, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5)).status()).isEqualTo("UpToDate");
    assertThat(TcbEvaluator.platform(ti, pck(4, 13), teeTcbSvn(5, 0, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5)).status()).isEqualTo("OutOfDate");
    assertThat(TcbEvaluator.platform(ti, pck(5, 12), teeTcbSvn(5, 0, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5)).status()).isEqualTo("OutOfDate");
    assertThat(TcbEvaluator.platform(ti, pck(5, 13), teeTcbSvn(4, 0, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5)).status()).isEqualTo("OutOfDate");
    assertThat(TcbEvaluator.platform(ti, pck(2, 13), teeTcbSvn(5)).status()).isEqualTo("NoMatchingTcbLevel");
    assertThat(TcbEvaluator.platform(ti, pck(4, 13), teeTcbSvn(5, 0, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5)).advisoryIds()).containsExactly("INTEL-SA-00001");
  }

  @Test
  void withAModuleMajorVersionTheFirstTwoTdxComponentsAreJudgedByTheModuleIdentity() throws Exception {
    JsonNode ti = info(level(5, 13, 5, "UpToDate"));
    byte[] svn = teeTcbSvn(0, 1, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5); // svn[0] = 0 would fail the level, but is skipped
    assertThat(TcbEvaluator.platform(ti, pck(5, 13), svn).status()).isEqualTo("UpToDate");
    assertThat(TcbEvaluator.tdxModule(ti, td(teeTcbSvn(7, 1))).status()).isEqualTo("UpToDate");
    assertThat(TcbEvaluator.tdxModule(ti, td(teeTcbSvn(5, 1))).status()).isEqualTo("OutOfDate");
    assertThat(TcbEvaluator.tdxModule(ti, td(teeTcbSvn(3, 1))).status()).isEqualTo("NoMatchingTcbLevel");
    assertThat(TcbEvaluator.tdxModule(ti, td(teeTcbSvn(7, 2))).status()).isEqualTo("NoMatchingTcbLevel");
    assertThat(TcbEvaluator.tdxModule(ti, td(teeTcbSvn(7, 0)))).isNull();
  }

  @Test
  void worstStatusWins() {
    assertThat(TcbEvaluator.worst("UpToDate", "OutOfDate")).isEqualTo("OutOfDate");
    assertThat(TcbEvaluator.worst("Revoked", "SWHardeningNeeded")).isEqualTo("Revoked");
    assertThat(TcbEvaluator.worst("UpToDate", null)).isEqualTo("UpToDate");
    assertThat(TcbEvaluator.worst("OutOfDate", "NoMatchingTcbLevel")).isEqualTo("NoMatchingTcbLevel");
  }
}
