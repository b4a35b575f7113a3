package org.secaimed.connector.attest.verify.dcap;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.secaimed.connector.attest.validate.TcbStatuses;
import org.secaimed.connector.attest.verify.Hex;

/**
 * Intel's TCB-level matching (attestation-and-hpke.md §2.2 steps 7–8): the first level whose
 * component SVNs the platform meets gives the status; none gives "NoMatchingTcbLevel".
 */
final class TcbEvaluator {
  /** Severity order used to combine platform, TDX-module and QE statuses (worst wins). */
  private static final List<String> ORDER = List.of("UpToDate", "SWHardeningNeeded", "ConfigurationNeeded",
      "ConfigurationAndSWHardeningNeeded", "OutOfDate", "OutOfDateConfigurationNeeded", "Revoked", TcbStatuses.NO_MATCHING_LEVEL);

  private TcbEvaluator() {}

  record Level(String status, String tcbDate, List<String> advisoryIds) {}

  static Level platform(JsonNode tcbInfo, PckCertificate pck, byte[] teeTcbSvn) {
    JsonNode levels = tcbInfo.path("tcbLevels");
    int tdxStart = teeTcbSvn != null && (teeTcbSvn[1] & 0xff) > 0 ? 2 : 0;
    for (JsonNode level : levels) {
      JsonNode tcb = level.path("tcb");
      if (!sgxComponentsMet(tcb, pck)) continue;
      if (tcb.path("pcesvn").asInt(Integer.MAX_VALUE) > pck.pceSvn()) continue;
      if (teeTcbSvn != null) {
        JsonNode tdx = tcb.path("tdxtcbcomponents");
        if (!tdx.isArray() || tdx.size() != 16) continue;
        boolean ok = true;
        for (int i = tdxStart; i < 16; i++) if (tdx.get(i).path("svn").asInt(Integer.MAX_VALUE) > (teeTcbSvn[i] & 0xff)) ok = false;
        if (!ok) continue;
      }
      return level(level);
    }
    return new Level(TcbStatuses.NO_MATCHING_LEVEL, null, List.of());
  }

  private static boolean sgxComponentsMet(JsonNode tcb, PckCertificate pck) {
    JsonNode comps = tcb.path("sgxtcbcomponents");
    for (int i = 0; i < 16; i++) {
      int required = comps.isArray() && comps.size() == 16
          ? comps.get(i).path("svn").asInt(Integer.MAX_VALUE)
          : tcb.path(String.format("sgxtcbcomp%02dsvn", i + 1)).asInt(Integer.MAX_VALUE); // TCB info v2 spelling
      if (required > pck.sgxTcbComponents()[i]) return false;
    }
    return true;
  }

  /** TDX module identity TDX_%02X (when TEE_TCB_SVN[1] > 0): signer and attributes must match, then ISVSVN picks the level. */
  static Level tdxModule(JsonNode tcbInfo, TdReport td) {
    int major = td.teeTcbSvn()[1] & 0xff;
    if (major == 0) return null;
    String id = String.format("TDX_%02X", major);
    for (JsonNode m : tcbInfo.path("tdxModuleIdentities")) {
      if (!id.equals(m.path("id").asText())) continue;
      if (!moduleMatches(m, td)) return new Level(TcbStatuses.NO_MATCHING_LEVEL, null, List.of());
      for (JsonNode level : m.path("tcbLevels")) {
        if (level.path("tcb").path("isvsvn").asInt(Integer.MAX_VALUE) <= (td.teeTcbSvn()[0] & 0xff)) return level(level);
      }
      return new Level(TcbStatuses.NO_MATCHING_LEVEL, null, List.of());
    }
    return new Level(TcbStatuses.NO_MATCHING_LEVEL, null, List.of());
  }

  static boolean moduleMatches(JsonNode module, TdReport td) {
    try {
      byte[] signer = Hex.parse(module.path("mrsigner").asText());
      byte[] attrs = Hex.parse(module.path("attributes").asText());
      byte[] mask = Hex.parse(module.path("attributesMask").asText());
      return java.util.Arrays.equals(signer, td.mrSignerSeam()) && masked(td.seamAttributes(), mask, attrs);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** QE identity: MRSIGNER, ISVPRODID and masked MISCSELECT/ATTRIBUTES must match; ISVSVN picks the level. Null if it does not match. */
  static Level qe(JsonNode identity, SgxReport qe) {
    try {
      byte[] signer = Hex.parse(identity.path("mrsigner").asText());
      if (!java.util.Arrays.equals(signer, qe.mrSigner())) return null;
      if (identity.path("isvprodid").asInt(-1) != qe.isvProdId()) return null;
      byte[] misc = java.nio.ByteBuffer.allocate(4).putInt((int) qe.miscSelect()).array();
      if (!masked(misc, Hex.parse(identity.path("miscselectMask").asText()), Hex.parse(identity.path("miscselect").asText()))) return null;
      if (!masked(qe.attributes(), Hex.parse(identity.path("attributesMask").asText()), Hex.parse(identity.path("attributes").asText()))) return null;
    } catch (IllegalArgumentException e) {
      return null;
    }
    for (JsonNode level : identity.path("tcbLevels")) {
      if (level.path("tcb").path("isvsvn").asInt(Integer.MAX_VALUE) <= qe.isvSvn()) return level(level);
    }
    return new Level(TcbStatuses.NO_MATCHING_LEVEL, null, List.of());
  }

  private static boolean masked(byte[] actual, byte[] mask, byte[] expected) {
    if (mask.length != expected.length || actual.length < mask.length) return false;
    for (int i = 0; i < mask.length; i++) if ((actual[i] & mask[i]) != (expected[i] & mask[i])) return false;
    return true;
  }

  private static Level level(JsonNode level) {
    List<String> adv = new java.util.ArrayList<>();
    level.path("advisoryIDs").forEach(a -> adv.add(a.asText()));
    String status = level.path("tcbStatus").asText(TcbStatuses.NO_MATCHING_LEVEL);
    return new Level(ORDER.contains(status) ? status : TcbStatuses.NO_MATCHING_LEVEL, level.path("tcbDate").asText(null), adv);
  }

  static String worst(String a, String b) {
    if (a == null) return b;
    if (b == null) return a;
    return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
  }
}
