package org.secaimed.connector.attest.verify.dcap;

import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.verify.Bytes;

/** A TD report body: TDX 1.0 (584 bytes) or TDX 1.5 (648 bytes, adds TEE_TCB_SVN2 and MRSERVICETD). */
public record TdReport(byte[] teeTcbSvn, byte[] mrSeam, byte[] mrSignerSeam, byte[] seamAttributes, byte[] tdAttributes, byte[] xfam,
    byte[] mrtd, byte[] mrConfigId, byte[] mrOwner, byte[] mrOwnerConfig, byte[] rtmr0, byte[] rtmr1, byte[] rtmr2, byte[] rtmr3,
    byte[] reportData, byte[] teeTcbSvn2, byte[] mrServiceTd) {
  public static final int LENGTH_10 = 584;
  public static final int LENGTH_15 = 648;

  public static TdReport parse(String format, byte[] bytes, int o, boolean v15) throws EvidenceFormatException {
    Bytes b = new Bytes(format, bytes);
    b.need(o, v15 ? LENGTH_15 : LENGTH_10, "td_report_body");
    return new TdReport(b.slice(o, 16, "TEE_TCB_SVN"), b.slice(o + 16, 48, "MRSEAM"), b.slice(o + 64, 48, "MRSIGNERSEAM"),
        b.slice(o + 112, 8, "SEAMATTRIBUTES"), b.slice(o + 120, 8, "TDATTRIBUTES"), b.slice(o + 128, 8, "XFAM"),
        b.slice(o + 136, 48, "MRTD"), b.slice(o + 184, 48, "MRCONFIGID"), b.slice(o + 232, 48, "MROWNER"),
        b.slice(o + 280, 48, "MROWNERCONFIG"), b.slice(o + 328, 48, "RTMR0"), b.slice(o + 376, 48, "RTMR1"),
        b.slice(o + 424, 48, "RTMR2"), b.slice(o + 472, 48, "RTMR3"), b.slice(o + 520, 64, "REPORTDATA"),
        v15 ? b.slice(o + 584, 16, "TEE_TCB_SVN2") : null, v15 ? b.slice(o + 600, 48, "MRSERVICETD") : null);
  }

  /** TDATTRIBUTES bit 0 (TUD.DEBUG): the host can inspect the trust domain. */
  public boolean debug() {
    return (tdAttributes[0] & 0x01) != 0;
  }
}
