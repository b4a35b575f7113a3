package org.secaimed.connector.seal;

/**
 * How an archive is chunked and how many cores seal or open it. The defaults suit multi-GB
 * studies; tests use tiny chunks to exercise many boundaries cheaply.
 *
 * @param chunkSize plaintext bytes per chunk, {@value ArchiveHeader#MIN_CHUNK_SIZE}..64 MiB
 * @param parallelism cores to use: the caller plus parallelism - 1 worker threads (1 = all on the caller's thread)
 * @param engine the AES-GCM implementation
 * @param compression whether the sealing side compresses before sealing (declared in the header;
 *     openers follow the header, whatever their own options say)
 * @param expansionBound how far an opener lets a compressed archive expand
 */
public record SealOptions(int chunkSize, int parallelism, Engine engine, Compression compression, ExpansionBound expansionBound) {

  public static final int DEFAULT_CHUNK_SIZE = 64 << 10;

  /** AES-GCM implementations: the JDK's (hardware intrinsics, the default) or Bouncy Castle's. */
  public enum Engine { JCA, BOUNCY_CASTLE }

  public SealOptions {
    if (chunkSize < ArchiveHeader.MIN_CHUNK_SIZE || chunkSize > ArchiveHeader.MAX_CHUNK_SIZE) {
      throw new IllegalArgumentException("chunkSize must be " + ArchiveHeader.MIN_CHUNK_SIZE + ".."
          + ArchiveHeader.MAX_CHUNK_SIZE + ", got " + chunkSize);
    }
    if (parallelism < 1 || parallelism > 256) {
      throw new IllegalArgumentException("parallelism must be 1..256, got " + parallelism);
    }
    if (engine == null) throw new IllegalArgumentException("engine is required");
    if (compression == null) throw new IllegalArgumentException("compression is required");
    if (expansionBound == null) throw new IllegalArgumentException("expansionBound is required");
  }

  /** No compression, the default expansion bound. */
  public SealOptions(int chunkSize, int parallelism, Engine engine) {
    this(chunkSize, parallelism, engine, Compression.none(), ExpansionBound.defaults());
  }

  /**
   * 64 KiB chunks (as in age: small enough that HotSpot compiles the AES-GCM intrinsics within the
   * first megabytes), every available core, the JDK's AES-GCM, no compression (studies are
   * compressed by the gateway session, which asks for it), the default expansion bound.
   */
  public static SealOptions defaults() {
    return new SealOptions(DEFAULT_CHUNK_SIZE, Runtime.getRuntime().availableProcessors(), Engine.JCA);
  }

  public SealOptions withChunkSize(int chunkSize) {
    return new SealOptions(chunkSize, parallelism, engine, compression, expansionBound);
  }

  public SealOptions withParallelism(int parallelism) {
    return new SealOptions(chunkSize, parallelism, engine, compression, expansionBound);
  }

  public SealOptions withEngine(Engine engine) {
    return new SealOptions(chunkSize, parallelism, engine, compression, expansionBound);
  }

  public SealOptions withCompression(Compression compression) {
    return new SealOptions(chunkSize, parallelism, engine, compression, expansionBound);
  }

  public SealOptions withExpansionBound(ExpansionBound expansionBound) {
    return new SealOptions(chunkSize, parallelism, engine, compression, expansionBound);
  }
}
