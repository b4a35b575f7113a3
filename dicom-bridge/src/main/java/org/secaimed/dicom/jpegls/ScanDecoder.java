package org.secaimed.dicom.jpegls;

/**
 * Decodes the entropy-coded data of one scan (T.87 Annex A): context modelling with the three
 * local gradients, median edge prediction with bias correction, adaptive Golomb codes for the
 * regular mode, and run mode with run-interruption samples. Contexts are shared by all components
 * of the scan; each component of a line-interleaved scan keeps its own run index (as CharLS and
 * the HP reference decoder do). Output goes straight into the caller's frame buffer, which the
 * caller sized from the DICOM attributes: this class only allocates two lines per component.
 */
final class ScanDecoder {
  /** Run-length order table J (T.87 A.7.1.1). */
  private static final int[] J = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  private static final int RUN_CONTEXT = 365; // 365 regular contexts, then the two run-interruption contexts

  private final CodingParameters p;
  private final BitReader in;
  private final int width;
  private final int height;
  private final int step; // 2 * NEAR + 1, the quantisation step of a near-lossless error
  private final int[] a = new int[367];
  private final int[] b = new int[367];
  private final int[] c = new int[367];
  private final int[] n = new int[367];
  private final int[] nn = new int[2];
  /**
   * Q(d) for every gradient d = -MAXVAL..MAXVAL at index d + MAXVAL (samples stay within 0..MAXVAL):
   * one load instead of up to eight comparisons, three times per sample, as CharLS does. At most
   * 128 KiB; the last one is kept per thread, since the slices of a series share their parameters.
   */
  private final byte[] quantized;
  private static final ThreadLocal<QuantTable> LAST_TABLE = new ThreadLocal<>();

  /** A quantisation table and the parameters it was filled for. */
  private record QuantTable(int maxVal, int near, int t1, int t2, int t3, byte[] q) {
    boolean fits(CodingParameters p) {
      return maxVal == p.maxVal && near == p.near && t1 == p.t1 && t2 == p.t2 && t3 == p.t3;
    }
  }
  private int runIndex;

  ScanDecoder(CodingParameters p, BitReader in, int width, int height) {
    this.p = p;
    this.in = in;
    this.width = width;
    this.height = height;
    this.step = 2 * p.near + 1;
    int a0 = Math.max(2, (p.range + 32) / 64);
    java.util.Arrays.fill(a, a0);
    java.util.Arrays.fill(n, 1);
    this.quantized = quantisationTable();
  }

  private byte[] quantisationTable() {
    QuantTable last = LAST_TABLE.get();
    if (last != null && last.fits(p)) return last.q();
    byte[] q = new byte[2 * p.maxVal + 1];
    for (int d = -p.maxVal; d <= p.maxVal; d++) q[d + p.maxVal] = (byte) quantizeByThresholds(d);
    LAST_TABLE.set(new QuantTable(p.maxVal, p.near, p.t1, p.t2, p.t3, q));
    return q;
  }

  /**
   * Decodes the scan's components into {@code out}: sample (y, x, component) lands at
   * {@code offset + (y * width + x) * stride + component}. {@code components} are the frame indices
   * of the scan's components; {@code sampleInterleaved} is ILV 2 (else ILV 0 for one component, 1 for more).
   */
  void decode(int[] components, boolean sampleInterleaved, short[] out, int offset, int stride) throws JpegLsException {
    int k = sampleInterleaved ? components.length : 1;
    int lines = sampleInterleaved ? 1 : components.length;
    int[][] prev = new int[lines][(width + 2) * k];
    int[][] cur = new int[lines][(width + 2) * k];
    int[] runIndices = new int[lines];
    for (int y = 0; y < height; y++) {
      for (int l = 0; l < lines; l++) {
        runIndex = runIndices[l];
        if (k == 1) scalarLine(prev[l], cur[l]);
        else vectorLine(prev[l], cur[l], k);
        runIndices[l] = runIndex;
        int rowBase = offset + y * width * stride;
        for (int x = 0; x < width; x++) {
          for (int i = 0; i < k; i++) {
            out[rowBase + x * stride + components[sampleInterleaved ? i : l]] = (short) cur[l][(x + 1) * k + i];
          }
        }
        int[] t = prev[l];
        prev[l] = cur[l];
        cur[l] = t;
      }
    }
  }

  /** One line of one component; buffers hold x = -1 .. width (A.2.1 edge rules). */
  private void scalarLine(int[] prev, int[] cur) throws JpegLsException {
    prev[width + 1] = prev[width]; // Rd past the right edge is Rb
    cur[0] = prev[1]; // Ra of the first sample is Rb; prev[0] keeps the previous line's Ra, which is Rc
    int x = 1;
    while (x <= width) {
      int ra = cur[x - 1], rb = prev[x], rc = prev[x - 1], rd = prev[x + 1];
      int q1 = quantize(rd - rb), q2 = quantize(rb - rc), q3 = quantize(rc - ra);
      if (q1 == 0 && q2 == 0 && q3 == 0) {
        x += scalarRun(prev, cur, x);
      } else {
        cur[x] = regular(q1, q2, q3, ra, rb, rc);
        x++;
      }
    }
  }

  /** One line of a sample-interleaved scan with {@code k} components per pixel. */
  private void vectorLine(int[] prev, int[] cur, int k) throws JpegLsException {
    for (int i = 0; i < k; i++) {
      prev[(width + 1) * k + i] = prev[width * k + i];
      cur[i] = prev[k + i];
    }
    int[] q = new int[3 * k];
    int x = 1;
    while (x <= width) {
      boolean flat = true;
      for (int i = 0; i < k; i++) {
        int ra = cur[(x - 1) * k + i], rb = prev[x * k + i], rc = prev[(x - 1) * k + i], rd = prev[(x + 1) * k + i];
        q[3 * i] = quantize(rd - rb);
        q[3 * i + 1] = quantize(rb - rc);
        q[3 * i + 2] = quantize(rc - ra);
        flat &= q[3 * i] == 0 && q[3 * i + 1] == 0 && q[3 * i + 2] == 0;
      }
      if (flat) {
        x += vectorRun(prev, cur, x, k);
      } else {
        for (int i = 0; i < k; i++) {
          cur[x * k + i] = regular(q[3 * i], q[3 * i + 1], q[3 * i + 2], cur[(x - 1) * k + i], prev[x * k + i], prev[(x - 1) * k + i]);
        }
        x++;
      }
    }
  }

  private int quantize(int d) {
    return quantized[d + p.maxVal];
  }

  /** Gradient quantisation (A.3.3). */
  private int quantizeByThresholds(int d) {
    if (d <= -p.t3) return -4;
    if (d <= -p.t2) return -3;
    if (d <= -p.t1) return -2;
    if (d < -p.near) return -1;
    if (d <= p.near) return 0;
    if (d < p.t1) return 1;
    if (d < p.t2) return 2;
    if (d < p.t3) return 3;
    return 4;
  }

  /** A regular-mode sample (A.4 to A.6). */
  private int regular(int q1, int q2, int q3, int ra, int rb, int rc) throws JpegLsException {
    int sign = 1;
    if (q1 < 0 || (q1 == 0 && (q2 < 0 || (q2 == 0 && q3 < 0)))) {
      sign = -1;
      q1 = -q1;
      q2 = -q2;
      q3 = -q3;
    }
    int q = 81 * q1 + 9 * q2 + q3;
    int px;
    if (rc >= Math.max(ra, rb)) px = Math.min(ra, rb);
    else if (rc <= Math.min(ra, rb)) px = Math.max(ra, rb);
    else px = ra + rb - rc;
    px = clamp(px + sign * c[q]);
    int k = golombParameter(n[q], a[q]);
    int m = golomb(k, p.limit);
    int e = (m & 1) == 0 ? m >> 1 : -((m + 1) >> 1);
    if (k == 0 && p.near == 0 && 2 * b[q] + n[q] - 1 < 0) e = ~e; // the inverted mapping of A.5.2
    update(q, e);
    return reconstruct(px + sign * e * step);
  }

  private void update(int q, int e) {
    a[q] += Math.abs(e);
    b[q] += e * step;
    if (n[q] == p.reset) {
      a[q] >>= 1;
      b[q] >>= 1;
      n[q] >>= 1;
    }
    n[q]++;
    if (b[q] + n[q] <= 0) {
      b[q] += n[q];
      if (b[q] <= -n[q]) b[q] = -n[q] + 1;
      if (c[q] > -128) c[q]--;
    } else if (b[q] > 0) {
      b[q] -= n[q];
      if (b[q] > 0) b[q] = 0;
      if (c[q] < 127) c[q]++;
    }
  }

  /** Reads the run length (A.7.1.2) and fills it with Ra; returns how many samples were decoded. */
  private int runLength(int remaining) throws JpegLsException {
    int len = 0;
    while (in.bit() == 1) {
      int count = Math.min(1 << J[runIndex], remaining - len);
      len += count;
      if (count == 1 << J[runIndex] && runIndex < 31) runIndex++;
      if (len == remaining) return len;
    }
    if (J[runIndex] > 0) len += in.bits(J[runIndex]);
    if (len > remaining) throw JpegLsException.malformed("a run is longer than the rest of its line (corrupt stream)");
    return len;
  }

  private int scalarRun(int[] prev, int[] cur, int x) throws JpegLsException {
    int ra = cur[x - 1];
    int len = runLength(width - x + 1);
    for (int i = 0; i < len; i++) cur[x + i] = ra;
    int at = x + len;
    if (at > width) return len;
    int rb = prev[at];
    if (Math.abs(ra - rb) <= p.near) cur[at] = reconstruct(ra + interruptionError(1) * step);
    else cur[at] = reconstruct(rb + interruptionError(0) * (rb < ra ? -1 : 1) * step);
    if (runIndex > 0) runIndex--;
    return len + 1;
  }

  private int vectorRun(int[] prev, int[] cur, int x, int k) throws JpegLsException {
    int len = runLength(width - x + 1);
    for (int j = 0; j < len; j++) System.arraycopy(cur, (x - 1) * k, cur, (x + j) * k, k);
    int at = x + len;
    if (at > width) return len;
    // A sample-interleaved interruption codes every component with run context 0, predicted by Rb.
    for (int i = 0; i < k; i++) {
      int ra = cur[(x - 1) * k + i], rb = prev[at * k + i];
      cur[at * k + i] = reconstruct(rb + interruptionError(0) * (rb < ra ? -1 : 1) * step);
    }
    if (runIndex > 0) runIndex--;
    return len + 1;
  }

  /** The error of a run-interruption sample and its context update (A.7.2). */
  private int interruptionError(int riType) throws JpegLsException {
    int q = RUN_CONTEXT + riType;
    int temp = a[q] + (riType == 1 ? n[q] >> 1 : 0);
    int k = golombParameter(n[q], temp);
    int m = golomb(k, p.limit - J[runIndex] - 1);
    int t = m + riType;
    boolean mapBit = (t & 1) != 0;
    int abs = (t + (mapBit ? 1 : 0)) / 2;
    int e = ((k != 0 || 2 * nn[riType] >= n[q]) == mapBit) ? -abs : abs;
    if (e < 0) nn[riType]++;
    a[q] += (m + 1 - riType) >> 1;
    if (n[q] == p.reset) {
      a[q] >>= 1;
      n[q] >>= 1;
      nn[riType] >>= 1;
    }
    n[q]++;
    return e;
  }

  /** Smallest k with N * 2^k >= A; capped so that a corrupt context can never spin. */
  private static int golombParameter(int nq, int aq) {
    int k = 0;
    while (k < 24 && ((long) nq << k) < aq) k++;
    return k;
  }

  /** A limited-length Golomb code (A.5.3). Mapped errors of a valid stream never exceed RANGE. */
  private int golomb(int k, int limit) throws JpegLsException {
    int escape = limit - p.qbpp - 1;
    int high = in.zeros(escape);
    int m;
    if (high >= escape) m = in.bits(p.qbpp) + 1;
    else if (k == 0) m = high;
    else m = (high << k) | in.bits(k);
    if (m > 2 * p.range) throw JpegLsException.malformed("a coded error exceeds the sample range (corrupt stream)");
    return m;
  }

  /** Undoes the modulo reduction of the error and clamps to [0, MAXVAL] (A.4.2, A.5). */
  private int reconstruct(int v) {
    if (v < -p.near) v += p.range * step;
    else if (v > p.maxVal + p.near) v -= p.range * step;
    return clamp(v);
  }

  private int clamp(int v) {
    return v < 0 ? 0 : Math.min(v, p.maxVal);
  }
}
