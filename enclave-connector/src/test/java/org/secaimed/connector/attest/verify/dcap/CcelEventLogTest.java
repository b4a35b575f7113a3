package org.secaimed.connector.attest.verify.dcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.secaimed.connector.attest.EvidenceFormatException;

/**
 * Issue #10 item 3: a CCEL event log replayed into RTMR0..3. The log is constructed here in the
 * TCG crypto-agile layout (a Spec ID event naming SHA-256 and SHA-384, then TCG_PCR_EVENT2
 * events); the expected RTMRs are folded independently with SHA-384. No real TDX guest's log is
 * among the shared vectors, so this is format conformance by construction, not a captured log.
 */
class CcelEventLogTest {
  static final int SHA256 = 0x000B;

  static byte[] sha(String alg, byte[]... parts) throws Exception {
    MessageDigest md = MessageDigest.getInstance(alg);
    for (byte[] p : parts) md.update(p);
    return md.digest();
  }

  static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  static byte[] specId(int... algsAndSizes) {
    ByteBuffer s = le(16 + 8 + 4 + algsAndSizes.length * 2 + 1);
    s.put("Spec ID Event03\0".getBytes(StandardCharsets.US_ASCII)).putInt(0).put((byte) 0).put((byte) 2).put((byte) 0).put((byte) 2);
    s.putInt(algsAndSizes.length / 2);
    for (int i = 0; i < algsAndSizes.length; i += 2) s.putShort((short) algsAndSizes[i]).putShort((short) algsAndSizes[i + 1]);
    s.put((byte) 0);
    ByteBuffer e = le(32 + s.capacity());
    e.putInt(0).putInt(CcelEventLog.EV_NO_ACTION).put(new byte[20]).putInt(s.capacity()).put(s.array());
    return e.array();
  }

  static byte[] event(int mrIndex, int type, byte[] data) throws Exception {
    ByteBuffer e = le(12 + 2 + 32 + 2 + 48 + 4 + data.length);
    e.putInt(mrIndex).putInt(type).putInt(2);
    e.putShort((short) SHA256).put(sha("SHA-256", data));
    e.putShort((short) CcelEventLog.SHA384).put(sha("SHA-384", data));
    e.putInt(data.length).put(data);
    return e.array();
  }

  static byte[] log(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  final byte[] kernel = ascii("vmlinuz-6.8 sha384 of the kernel image");
  final byte[] cmdline = ascii("console=ttyS0 secaimed.enclave=1");
  final byte[] app = ascii("secaimed enclave-server 1.0");

  byte[] goodLog() throws Exception {
    byte[] fill = new byte[64];
    Arrays.fill(fill, (byte) 0xFF);
    return log(specId(SHA256, 32, CcelEventLog.SHA384, 48), event(1, 0x80000008, ascii("firmware volume")),
        event(2, 0x80000003, kernel), event(2, 0xD, cmdline), event(0, CcelEventLog.EV_NO_ACTION, ascii("marker")), event(4, 0xD, app), fill);
  }

  static TdReport quoted(byte[]... rtmr) {
    byte[] z = new byte[48];
    return new TdReport(new byte[16], z, z, new byte[8], new byte[8], new byte[8], z, z, z, z, rtmr[0], rtmr[1], rtmr[2], rtmr[3], new byte[64], null, null);
  }

  @Test
  void replayExtendsEachRtmrWithItsEventsSha384InOrder() throws Exception {
    CcelEventLog parsed = CcelEventLog.parse(goodLog());
    assertThat(parsed.events()).hasSize(5);
    byte[] zero = new byte[48];
    byte[] rtmr0 = sha("SHA-384", zero, sha("SHA-384", ascii("firmware volume")));
    byte[] rtmr1 = sha("SHA-384", sha("SHA-384", zero, sha("SHA-384", kernel)), sha("SHA-384", cmdline));
    byte[] rtmr3 = sha("SHA-384", zero, sha("SHA-384", app));
    byte[][] r = parsed.replay();
    assertThat(r[0]).isEqualTo(rtmr0);
    assertThat(r[1]).isEqualTo(rtmr1);
    assertThat(r[2]).isEqualTo(zero); // EV_NO_ACTION extends nothing
    assertThat(r[3]).isEqualTo(rtmr3);
    assertThat(parsed.mismatches(quoted(rtmr0, rtmr1, zero, rtmr3))).isEmpty();
  }

  @Test
  void aLogThatIsNotTheMeasuredOneIsNamedByRtmr() throws Exception {
    byte[][] r = CcelEventLog.parse(goodLog()).replay();
    // Another command line: the guest's RTMR1 does not match this (edited) log.
    byte[] edited = log(specId(SHA256, 32, CcelEventLog.SHA384, 48), event(1, 0x80000008, ascii("firmware volume")),
        event(2, 0x80000003, kernel), event(2, 0xD, ascii("console=ttyS0 secaimed.debug=1")), event(4, 0xD, app));
    assertThat(CcelEventLog.parse(edited).mismatches(quoted(r))).containsExactly("rtmr1");
  }

  @Test
  void malformedLogsAreTypedErrors() throws Exception {
    byte[] good = goodLog();
    assertThatThrownBy(() -> CcelEventLog.parse(Arrays.copyOf(good, good.length - 64 - 20))).isInstanceOf(EvidenceFormatException.class)
        .hasMessageContaining("ccel").hasMessageContaining("truncated");
    assertThatThrownBy(() -> CcelEventLog.parse(log(specId(SHA256, 32), event(1, 1, kernel)))).isInstanceOf(EvidenceFormatException.class)
        .hasMessageContaining("no SHA-384");
    assertThatThrownBy(() -> CcelEventLog.parse(log(specId(SHA256, 32, CcelEventLog.SHA384, 48), event(5, 1, kernel))))
        .isInstanceOf(EvidenceFormatException.class).hasMessageContaining("MR index 5");
    assertThatThrownBy(() -> CcelEventLog.parse(log(event(1, 1, kernel)))).isInstanceOf(EvidenceFormatException.class)
        .hasMessageContaining("Spec ID");
  }
}
