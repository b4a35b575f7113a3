package org.secaimed.connector.seal;

/**
 * How many chunks travel together through the parallel pipeline. Handing a worker one 64 KiB
 * chunk at a time costs a thread wake-up per 25 µs of AES-GCM, which on two cores ate a fifth of
 * the CPU. A batch of 256 KiB makes that negligible and still fits a core's L2 cache (1 MiB and
 * 4 MiB batches measured slower; {@code -Dsecaimed.seal.batchBytes} to re-measure). The archive
 * format does not change: a batch is only a unit of work, each chunk keeps its own nonce and tag.
 */
final class Batches {
  private static final int TARGET_BYTES = Integer.getInteger("secaimed.seal.batchBytes", 256 << 10);
  /** In-flight memory stays near this bound however many cores there are (2 batches per worker). */
  private static final int MAX_IN_FLIGHT_BYTES = 64 << 20;
  /** Tiny test chunks still form many batches, so small archives exercise the parallel path. */
  private static final int MAX_CHUNKS = 64;

  private Batches() {}

  static int chunksPerBatch(int chunkSize, int parallelism) {
    int target = Math.min(TARGET_BYTES, MAX_IN_FLIGHT_BYTES / (2 * Math.max(1, parallelism)));
    return Math.max(1, Math.min(MAX_CHUNKS, target / chunkSize));
  }
}
