package org.secaimed.connector.attest.verify.dcap;

import java.util.Arrays;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.verify.Bytes;

/**
 * An Intel DCAP ECDSA quote: SGX v3, TDX v4 and v5 (attestation-and-hpke.md §2.1). Parsed by the
 * declared lengths, so trailing padding after the signature data is ignored by verification; the
 * canonical form ({@link #canonical}) drops it, so evidence digests do not depend on it.
 */
public record DcapQuote(int version, int attestationKeyType, long teeType, byte[] qeVendorId, byte[] userData,
    byte[] signedBytes, SgxReport sgxBody, TdReport tdBody, byte[] signature, byte[] attestationKey,
    SgxReport qeReport, byte[] qeReportSignature, byte[] qeAuthData, int certDataType, byte[] certData, int length) {

  public static final long TEE_SGX = 0x00;
  public static final long TEE_TDX = 0x81;
  private static final int HEADER = 48;

  public static DcapQuote parse(String format, byte[] q) throws EvidenceFormatException {
    Bytes b = new Bytes(format, q);
    int version = b.u16(0, "header.version");
    int akType = b.u16(2, "header.att_key_type");
    long tee = b.u32(4, "header.tee_type");
    if (version != 3 && version != 4 && version != 5) throw new EvidenceFormatException(format, "header.version", "unsupported quote version " + version);
    if (akType != 2) throw new EvidenceFormatException(format, "header.att_key_type", "only ECDSA-256 with P-256 (2) is supported, is " + akType);
    int bodyOffset = HEADER;
    int bodyType; // 1 SGX, 2 TDX 1.0, 3 TDX 1.5
    if (version == 3) {
      bodyType = 1;
      tee = TEE_SGX;
    } else if (version == 4) {
      if (tee == TEE_TDX) bodyType = 2;
      else if (tee == TEE_SGX) bodyType = 1;
      else throw new EvidenceFormatException(format, "header.tee_type", "unknown TEE type 0x" + Long.toHexString(tee));
    } else {
      bodyType = b.u16(HEADER, "body.type");
      long bodySize = b.u32(HEADER + 2, "body.size");
      long expected = switch (bodyType) {
        case 1 -> SgxReport.LENGTH;
        case 2 -> TdReport.LENGTH_10;
        case 3 -> TdReport.LENGTH_15;
        default -> throw new EvidenceFormatException(format, "body.type", "unknown body type " + bodyType);
      };
      if (bodySize != expected) throw new EvidenceFormatException(format, "body.size", "body type " + bodyType + " must be " + expected + " bytes, is " + bodySize);
      bodyOffset = HEADER + 6;
    }
    SgxReport sgx = null;
    TdReport td = null;
    int bodyLength;
    if (bodyType == 1) {
      sgx = SgxReport.parse(format, "isv_enclave_report", q, bodyOffset);
      bodyLength = SgxReport.LENGTH;
    } else {
      td = TdReport.parse(format, q, bodyOffset, bodyType == 3);
      bodyLength = bodyType == 3 ? TdReport.LENGTH_15 : TdReport.LENGTH_10;
    }
    int sigDataOffset = bodyOffset + bodyLength;
    int sigDataLen = b.length32(sigDataOffset, sigDataOffset + 4, "signature_data_len");
    int end = sigDataOffset + 4 + sigDataLen;
    byte[] region = Arrays.copyOfRange(q, 0, end);
    Bytes s = new Bytes(format, region);
    int o = sigDataOffset + 4;
    byte[] sig = s.slice(o, 64, "signature");
    byte[] ak = s.slice(o + 64, 64, "attestation_key");
    o += 128;
    if (version >= 4) {
      int type = s.u16(o, "certification_data.type");
      if (type != 6) throw new EvidenceFormatException(format, "certification_data.type", "expected 6 (QE report certification data), is " + type);
      int size = s.length32(o + 2, o + 6, "certification_data.size");
      o += 6;
      s.need(o, size, "certification_data");
      // Parse the inner structure within the declared size only.
      region = Arrays.copyOfRange(q, 0, o + size);
      s = new Bytes(format, region);
    }
    SgxReport qe = SgxReport.parse(format, "qe_report", region, o);
    byte[] qeSig = s.slice(o + SgxReport.LENGTH, 64, "qe_report_signature");
    o += SgxReport.LENGTH + 64;
    int authLen = s.u16(o, "qe_auth_data.size");
    byte[] auth = s.slice(o + 2, authLen, "qe_auth_data");
    o += 2 + authLen;
    int certType = s.u16(o, "qe_certification_data.type");
    int certLen = s.length32(o + 2, o + 6, "qe_certification_data.size");
    byte[] certData = s.slice(o + 6, certLen, "qe_certification_data");
    return new DcapQuote(version, akType, tee, b.slice(12, 16, "header.qe_vendor_id"), b.slice(28, 20, "header.user_data"),
        b.slice(0, bodyOffset + bodyLength, "signed bytes"), sgx, td, sig, ak, qe, qeSig, auth, certType, certData, end);
  }

  /** The quote cut to its declared length (real quote buffers can carry padding), or the input when it does not parse. */
  public static byte[] canonical(String format, byte[] quote) {
    try {
      return Arrays.copyOf(quote, parse(format, quote).length());
    } catch (EvidenceFormatException e) {
      return quote;
    }
  }

  public boolean tdx() {
    return tdBody != null;
  }

  public byte[] reportData() {
    return tdx() ? tdBody.reportData() : sgxBody.reportData();
  }
}
