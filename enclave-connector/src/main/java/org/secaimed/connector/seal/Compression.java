package org.secaimed.connector.seal;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Whether and how a sealing stream compresses before it seals.
 *
 * @param encoding {@link ContentEncoding#IDENTITY} (no compression), {@link ContentEncoding#ZSTD}, or
 *     {@link ContentEncoding#ZSTD_BYTE_PLANES} (byte planes first: for 16-bit images)
 * @param level zstd level 1..19 (1: fastest; real CT compresses about 2× there)
 * @param padToBucket pad the compressed stream up to a Padmé bucket ({@link PadmeBuckets}) so the
 *     archive size reveals at most about 12 % less than the bucket about how well the study compressed
 */
public record Compression(ContentEncoding encoding, int level, boolean padToBucket) {
  /** The largest zstd window a writer at these levels uses (2^23 at level 19); readers refuse larger windows. */
  static final int MAX_WINDOW_LOG = 23;

  public Compression {
    if (encoding == null) throw new IllegalArgumentException("encoding is required");
    if (level < 1 || level > 19) throw new IllegalArgumentException("zstd level must be 1..19, got " + level);
    if (padToBucket && encoding == ContentEncoding.IDENTITY) {
      throw new IllegalArgumentException("padding needs compression: an uncompressed archive has nowhere to carry it");
    }
  }

  public static Compression none() {
    return new Compression(ContentEncoding.IDENTITY, 1, false);
  }

  /** zstd level 1: at about 300 MB/s per core it outruns any hospital uplink and halves real CT. */
  public static Compression zstd() {
    return new Compression(ContentEncoding.ZSTD, 1, false);
  }

  /** zstd level 1 after the 16-bit byte-plane shuffle: real CT 2.29x instead of 1.81x; what studies use. */
  public static Compression zstdBytePlanes() {
    return new Compression(ContentEncoding.ZSTD_BYTE_PLANES, 1, false);
  }

  /**
   * The encoder a sealing stream puts in front of its chunks, public so that a benchmark's
   * plaintext baseline compresses exactly as the confidential path does: the byte-plane shuffle
   * if the encoding asks for it, then one zstd frame at this level. With {@code threads} > 1 zstd
   * compresses with that many native workers (its own multi-threading: jobs of a few MiB
   * compressed in parallel and written in order, still one standard frame that every zstd decoder
   * reads, so the archive format does not change); the caller's thread then only shuffles and
   * hands over. No checksum: the chunk tags authenticate every byte. Closing the encoder ends the
   * frame and closes {@code out}; padding is the sealing stream's business. Identity returns {@code out}.
   */
  public OutputStream newEncoder(OutputStream out, int threads) throws IOException {
    if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    if (!encoding.compressed()) return out;
    ZstdOutputStream z = new ZstdOutputStream(out, level);
    z.setChecksum(false);
    if (threads > 1) z.setWorkers(threads);
    return encoding == ContentEncoding.ZSTD_BYTE_PLANES ? new BytePlanes.Writer(z) : z;
  }

  /**
   * The decoder for content in {@code encoding} (authenticated bytes, as an opening stream hands
   * them on), refusing invalid zstd and expansion past {@code bound} with a typed error after
   * bounded work. With {@code readAhead} the decoding runs on a thread of its own, at most 4 MiB
   * ahead of the caller (see {@link ReadAheadInputStream}), so it overlaps with the caller's parsing.
   */
  public static InputStream newDecoder(ContentEncoding encoding, InputStream content, ExpansionBound bound, boolean readAhead)
      throws IOException {
    InputStream decoded = switch (encoding) {
      case IDENTITY -> content;
      case ZSTD -> new DecompressingInputStream(content, bound);
      case ZSTD_BYTE_PLANES -> new BytePlanes.Reader(new DecompressingInputStream(content, bound));
    };
    return readAhead && encoding.compressed() ? new ReadAheadInputStream(decoded, "secaimed-decode") : decoded;
  }

  public Compression withLevel(int level) {
    return new Compression(encoding, level, padToBucket);
  }

  public Compression padded() {
    return new Compression(encoding, level, true);
  }
}
