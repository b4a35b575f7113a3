package org.secaimed.dicom.seg;

import org.secaimed.connector.io.Digests;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * UIDs under the UUID-derived root 2.25 (PS3.5 B.2). With a seed they are a function of
 * (seed, role, source series), so a retried write-back yields the same SOP Instance UID and the
 * PACS stores it once; without one they are random.
 */
final class Uids {
  private final String seed;
  private final String sourceSeriesUid;

  Uids(String seed, String sourceSeriesUid) {
    this.seed = seed;
    this.sourceSeriesUid = sourceSeriesUid;
  }

  String uid(String role) {
    return "2.25." + new BigInteger(1, uuidBytes(role)).toString();
  }

  private byte[] uuidBytes(String role) {
    byte[] b = new byte[16];
    if (seed == null) {
      UUID u = UUID.randomUUID();
      long hi = u.getMostSignificantBits(), lo = u.getLeastSignificantBits();
      for (int i = 0; i < 8; i++) {
        b[i] = (byte) (hi >>> (56 - 8 * i));
        b[8 + i] = (byte) (lo >>> (56 - 8 * i));
      }
      return b;
    }
    byte[] sha = Digests.sha256(("secaimed-seg-uid-v1\0" + seed + "\0" + role + "\0" + sourceSeriesUid).getBytes(StandardCharsets.UTF_8));
    System.arraycopy(sha, 0, b, 0, 16);
    b[6] = (byte) ((b[6] & 0x0F) | 0x80); // RFC 9562 version 8 (name-based, custom hash)
    b[8] = (byte) ((b[8] & 0x3F) | 0x80); // RFC 9562 variant
    return b;
  }
}
