package org.secaimed.dicom.jpegls;

/**
 * The derived constants of one scan (T.87 A.2 and C.2.4.1.1): MAXVAL, thresholds T1..T3 and RESET
 * (from an LSE marker, 0 meaning "default"), NEAR from the SOS header, and RANGE, qbpp, LIMIT.
 */
final class CodingParameters {
  final int maxVal;
  final int near;
  final int t1;
  final int t2;
  final int t3;
  final int reset;
  final int range;
  final int qbpp;
  final int limit;

  /** {@code preset} = {MAXVAL, T1, T2, T3, RESET} as read from LSE id 1, zeros where absent. */
  CodingParameters(int bitsPerSample, int near, int[] preset) throws JpegLsException {
    int defaultMax = (1 << bitsPerSample) - 1;
    maxVal = preset[0] == 0 ? defaultMax : preset[0];
    if (maxVal < 1 || maxVal > defaultMax) throw JpegLsException.malformed("MAXVAL " + maxVal + " does not fit " + bitsPerSample + " bits");
    if (near < 0 || near > Math.min(255, maxVal / 2)) throw JpegLsException.malformed("NEAR " + near + " is out of range for MAXVAL " + maxVal);
    this.near = near;
    range = (maxVal + 2 * near) / (2 * near + 1) + 1;
    qbpp = ceilLog2(range);
    int bpp = Math.max(2, ceilLog2(maxVal + 1));
    limit = 2 * (bpp + Math.max(8, bpp));
    int[] d = defaultThresholds(maxVal, near);
    t1 = preset[1] == 0 ? d[0] : preset[1];
    t2 = preset[2] == 0 ? d[1] : preset[2];
    t3 = preset[3] == 0 ? d[2] : preset[3];
    // C.2.4.1.1: NEAR+1 <= T1 <= T2 <= T3 <= MAXVAL, otherwise the context quantisation is undefined.
    if (t1 < near + 1 || t2 < t1 || t3 < t2 || t3 > maxVal) {
      throw JpegLsException.malformed("thresholds T1=" + t1 + " T2=" + t2 + " T3=" + t3 + " are not ordered within MAXVAL " + maxVal);
    }
    reset = preset[4] == 0 ? 64 : preset[4];
    if (reset < 3 || reset > Math.max(255, maxVal)) throw JpegLsException.malformed("RESET " + reset + " is out of range");
  }

  /** T.87 C.2.4.1.1.1, with BASIC_T1..3 = 3, 7, 21. */
  private static int[] defaultThresholds(int maxVal, int near) {
    int t1, t2, t3;
    if (maxVal >= 128) {
      int factor = (Math.min(maxVal, 4095) + 128) / 256;
      t1 = clamp(factor * (3 - 2) + 2 + 3 * near, near + 1, maxVal);
      t2 = clamp(factor * (7 - 3) + 3 + 5 * near, t1, maxVal);
      t3 = clamp(factor * (21 - 4) + 4 + 7 * near, t2, maxVal);
    } else {
      int factor = 256 / (maxVal + 1);
      t1 = clamp(Math.max(2, 3 / factor + 3 * near), near + 1, maxVal);
      t2 = clamp(Math.max(3, 7 / factor + 5 * near), t1, maxVal);
      t3 = clamp(Math.max(4, 21 / factor + 7 * near), t2, maxVal);
    }
    return new int[] {t1, t2, t3};
  }

  private static int clamp(int i, int j, int maxVal) {
    return i > maxVal || i < j ? j : i;
  }

  static int ceilLog2(int x) {
    int n = 0;
    while ((1L << n) < x) n++;
    return n;
  }
}
