package org.secaimed.connector.attest.verify.snp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.verify.Bytes;

/**
 * Azure confidential-VM HCL report: a 32-byte header ("HCLA"), the SNP report at offset 32, then
 * the runtime-data header (data size, version, report type, hash type, runtime data size; u32 LE)
 * and the runtime data JSON (vTPM keys, VM configuration, user-data). The SNP REPORT_DATA holds
 * the hash of that JSON, so the JSON is as genuine as the report.
 */
public record AzureHclReport(SnpReport snp, int hashType, byte[] runtimeData, JsonNode runtimeJson) {
  static final String FORMAT = "azure-snp-hcl";
  private static final int SNP_OFFSET = 32;
  private static final int RUNTIME_OFFSET = SNP_OFFSET + SnpReport.LENGTH;

  public static AzureHclReport parse(byte[] data) throws EvidenceFormatException {
    Bytes b = new Bytes(FORMAT, data);
    byte[] magic = b.slice(0, 4, "header.signature");
    if (!Arrays.equals(magic, "HCLA".getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
      throw new EvidenceFormatException(FORMAT, "header.signature", "not an HCL report (expected 'HCLA')");
    }
    SnpReport snp;
    try {
      snp = SnpReport.parse(b.slice(SNP_OFFSET, SnpReport.LENGTH, "hw_report"));
    } catch (EvidenceFormatException e) {
      throw new EvidenceFormatException(FORMAT, "hw_report." + e.field(), e.getMessage());
    }
    int hashType = (int) b.u32(RUNTIME_OFFSET + 12, "runtime.hash_type");
    int size = b.length32(RUNTIME_OFFSET + 16, RUNTIME_OFFSET + 20, "runtime.data_size");
    byte[] runtime = b.slice(RUNTIME_OFFSET + 20, size, "runtime.data");
    JsonNode json;
    try {
      json = new ObjectMapper().readTree(runtime);
    } catch (Exception e) {
      throw new EvidenceFormatException(FORMAT, "runtime.data", "not JSON");
    }
    if (json == null || !json.isObject()) throw new EvidenceFormatException(FORMAT, "runtime.data", "not a JSON object");
    return new AzureHclReport(snp, hashType, runtime, json);
  }

  /** The 64-byte user-data the guest asked Azure to bind (hex in the runtime JSON), if well-formed. */
  public byte[] userData() throws EvidenceFormatException {
    JsonNode u = runtimeJson.get("user-data");
    if (u == null || !u.isTextual()) throw new EvidenceFormatException(FORMAT, "runtime.data.user-data", "missing");
    try {
      byte[] b = org.secaimed.connector.attest.verify.Hex.parse(u.asText());
      if (b.length != 64) throw new EvidenceFormatException(FORMAT, "runtime.data.user-data", "must be 64 bytes, is " + b.length);
      return b;
    } catch (IllegalArgumentException e) {
      throw new EvidenceFormatException(FORMAT, "runtime.data.user-data", "not hex");
    }
  }
}
