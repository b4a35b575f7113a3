package org.secaimed.connector.seal;

/**
 * How far a recipient lets a compressed archive expand: after reading c compressed bytes it
 * accepts at most {@code allowanceBytes + maxRatio × c} plaintext bytes, so a decompression bomb
 * (a few kilobytes that would inflate to terabytes, which anyone holding the public key can seal)
 * is refused with {@link SealedArchiveException.Reason#DECOMPRESSED_TOO_LARGE} after bounded work.
 * Real CT compresses 2–4×; the defaults leave a wide margin for label maps and air.
 */
public record ExpansionBound(long allowanceBytes, int maxRatio) {
  public ExpansionBound {
    if (allowanceBytes < 0) throw new IllegalArgumentException("allowanceBytes must be >= 0, got " + allowanceBytes);
    if (maxRatio < 1) throw new IllegalArgumentException("maxRatio must be >= 1, got " + maxRatio);
  }

  /** 1 GiB plus 256 × the compressed bytes read. */
  public static ExpansionBound defaults() {
    return new ExpansionBound(1L << 30, 256);
  }

  long limitAfter(long compressedBytes) {
    long scaled = compressedBytes > Long.MAX_VALUE / maxRatio ? Long.MAX_VALUE : compressedBytes * maxRatio;
    return scaled > Long.MAX_VALUE - allowanceBytes ? Long.MAX_VALUE : scaled + allowanceBytes;
  }
}
