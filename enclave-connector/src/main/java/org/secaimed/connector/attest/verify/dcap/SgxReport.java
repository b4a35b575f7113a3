package org.secaimed.connector.attest.verify.dcap;

import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.verify.Bytes;

/** An SGX enclave REPORT body (384 bytes): the app enclave of an SGX quote, and the Quoting Enclave's report. */
public record SgxReport(byte[] raw, byte[] cpuSvn, long miscSelect, byte[] attributes, byte[] mrEnclave, byte[] mrSigner,
    int isvProdId, int isvSvn, byte[] reportData) {
  public static final int LENGTH = 384;

  public static SgxReport parse(String format, String where, byte[] bytes, int offset) throws EvidenceFormatException {
    Bytes b = new Bytes(format, bytes);
    return new SgxReport(b.slice(offset, LENGTH, where), b.slice(offset, 16, where + ".CPUSVN"), b.u32(offset + 16, where + ".MISCSELECT"),
        b.slice(offset + 48, 16, where + ".ATTRIBUTES"), b.slice(offset + 64, 32, where + ".MRENCLAVE"),
        b.slice(offset + 128, 32, where + ".MRSIGNER"), b.u16(offset + 256, where + ".ISVPRODID"), b.u16(offset + 258, where + ".ISVSVN"),
        b.slice(offset + 320, 64, where + ".REPORTDATA"));
  }

  /** ATTRIBUTES.FLAGS bit 1: a debug enclave, whose memory the host can read. */
  public boolean debug() {
    return (attributes[0] & 0x02) != 0;
  }
}
