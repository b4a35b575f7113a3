package org.secaimed.connector.attest.verify.snp;

import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.verify.Bytes;

/**
 * An AMD SEV-SNP attestation report (ABI spec 56860, table "ATTESTATION_REPORT"), versions 2, 3
 * and 5; every field is parsed. Offsets are in the reference notes (attestation-and-hpke.md §1.1).
 */
public record SnpReport(
    int version, int guestSvn, long policy, byte[] familyId, byte[] imageId, int vmpl, int signatureAlgo,
    long currentTcb, long platformInfo, int flags, byte[] reportData, byte[] measurement, byte[] hostData,
    byte[] idKeyDigest, byte[] authorKeyDigest, byte[] reportId, byte[] reportIdMa, long reportedTcb,
    int cpuidFamily, int cpuidModel, int cpuidStepping, byte[] chipId, long committedTcb,
    int currentBuild, int currentMinor, int currentMajor, int committedBuild, int committedMinor, int committedMajor,
    long launchTcb, long launchMitVector, long currentMitVector, byte[] signedBytes, byte[] signatureR, byte[] signatureS) {

  public static final int LENGTH = 0x4A0;
  public static final int SIGNED_LENGTH = 0x2A0;
  static final String FORMAT = "sev-snp";

  public static SnpReport parse(byte[] report) throws EvidenceFormatException {
    if (report.length != LENGTH) {
      throw new EvidenceFormatException(FORMAT, "report", "must be " + LENGTH + " bytes, is " + report.length);
    }
    Bytes b = new Bytes(FORMAT, report);
    int version = (int) b.u32(0x000, "VERSION");
    if (version < 2 || version > 5) throw new EvidenceFormatException(FORMAT, "VERSION", "unsupported report version " + version);
    boolean v3 = version >= 3;
    boolean v5 = version >= 5;
    // Canonical form: bytes outside the signature's meaningful part are not signed, so a non-zero
    // byte there would give the same evidence a different digest. R and S are little-endian, 72
    // bytes each, of which only the low 48 may be non-zero for P-384; the rest of the tail is reserved.
    requireZero(report, 0x2A0 + 48, 24, "SIGNATURE.R (high bytes)");
    requireZero(report, 0x2E8 + 48, 24, "SIGNATURE.S (high bytes)");
    requireZero(report, 0x2E8 + 72, LENGTH - (0x2E8 + 72), "reserved bytes after the signature");
    byte[] r = Bytes.reverse(b.slice(0x2A0, 72, "SIGNATURE.R"));
    byte[] s = Bytes.reverse(b.slice(0x2E8, 72, "SIGNATURE.S"));
    return new SnpReport(
        version, (int) b.u32(0x004, "GUEST_SVN"), b.u64(0x008, "POLICY"), b.slice(0x010, 16, "FAMILY_ID"),
        b.slice(0x020, 16, "IMAGE_ID"), (int) b.u32(0x030, "VMPL"), (int) b.u32(0x034, "SIGNATURE_ALGO"),
        b.u64(0x038, "CURRENT_TCB"), b.u64(0x040, "PLATFORM_INFO"), (int) b.u32(0x048, "FLAGS"),
        b.slice(0x050, 64, "REPORT_DATA"), b.slice(0x090, 48, "MEASUREMENT"), b.slice(0x0C0, 32, "HOST_DATA"),
        b.slice(0x0E0, 48, "ID_KEY_DIGEST"), b.slice(0x110, 48, "AUTHOR_KEY_DIGEST"), b.slice(0x140, 32, "REPORT_ID"),
        b.slice(0x160, 32, "REPORT_ID_MA"), b.u64(0x180, "REPORTED_TCB"),
        v3 ? b.u8(0x188, "CPUID_FAM_ID") : 0, v3 ? b.u8(0x189, "CPUID_MOD_ID") : 0, v3 ? b.u8(0x18A, "CPUID_STEP") : 0,
        b.slice(0x1A0, 64, "CHIP_ID"), b.u64(0x1E0, "COMMITTED_TCB"),
        b.u8(0x1E8, "CURRENT_BUILD"), b.u8(0x1E9, "CURRENT_MINOR"), b.u8(0x1EA, "CURRENT_MAJOR"),
        b.u8(0x1EC, "COMMITTED_BUILD"), b.u8(0x1ED, "COMMITTED_MINOR"), b.u8(0x1EE, "COMMITTED_MAJOR"),
        b.u64(0x1F0, "LAUNCH_TCB"), v5 ? b.u64(0x1F8, "LAUNCH_MIT_VECTOR") : 0, v5 ? b.u64(0x200, "CURRENT_MIT_VECTOR") : 0,
        b.slice(0, SIGNED_LENGTH, "signed bytes"), r, s);
  }

  private static void requireZero(byte[] report, int offset, int length, String field) throws EvidenceFormatException {
    for (int i = offset; i < offset + length; i++) {
      if (report[i] != 0) throw new EvidenceFormatException(FORMAT, field, "must be zero (unsigned bytes; non-zero would make the evidence malleable), byte 0x" + Integer.toHexString(i) + " is not");
    }
  }

  public boolean debugAllowed() {
    return (policy >>> 19 & 1) == 1;
  }

  public boolean migrationAgentAllowed() {
    return (policy >>> 18 & 1) == 1;
  }

  public boolean smtAllowed() {
    return (policy >>> 16 & 1) == 1;
  }

  public boolean singleSocketRequired() {
    return (policy >>> 20 & 1) == 1;
  }

  public int abiMajor() {
    return (int) (policy >>> 8 & 0xff);
  }

  public int abiMinor() {
    return (int) (policy & 0xff);
  }

  /** SIGNING_KEY: 0 = VCEK, 1 = VLEK, 7 = none. */
  public int signingKey() {
    return flags >>> 2 & 0x7;
  }

  public boolean authorKeyEnabled() {
    return (flags & 1) == 1;
  }

  public boolean chipIdMasked() {
    return (flags >>> 1 & 1) == 1;
  }
}
