package org.secaimed.connector.seal;

/**
 * Padmé padding (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication
 * with PURBs", PETS 2019): a length L is rounded up so that only its top ~log2(log2 L) bits stay
 * significant. The overhead is at most about 12 % and the number of distinct sizes is O(log log L),
 * so an archive's size says little more than its order of magnitude.
 */
final class PadmeBuckets {
  private PadmeBuckets() {}

  static long padded(long length) {
    if (length < 2) return length;
    int e = 63 - Long.numberOfLeadingZeros(length);
    int s = 32 - Integer.numberOfLeadingZeros(e); // floor(log2 e) + 1
    int lastBits = e - s;
    long mask = (1L << lastBits) - 1;
    return (length + mask) & ~mask;
  }
}
