package org.secaimed.devtools.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.secaimed.connector.io.Digests;
import org.secaimed.dicom.exchange.StudyArchiveWriter;
import org.secaimed.dicom.pipeline.DicomWebSeriesSource;
import org.secaimed.dicom.pipeline.SeriesSource;
import org.secaimed.dicom.web.DicomWebClient;
import org.secaimed.dicom.web.InstanceStream;

/**
 * The ways {@code bench wado} pulls one series, each timed on its own: our client streaming
 * (with and without a hash on the reading thread), and the pipeline's own path, the product's
 * {@link DicomWebSeriesSource} handing whole instances to the product's {@link StudyArchiveWriter}
 * (into a discarding sink, so what is measured is the pull and the hash, not sealing), with the
 * hash where the writer puts it. Bench only.
 */
final class WadoPulls {
  private WadoPulls() {}

  /**
   * One pull: bytes, instances, wall nanoseconds, and the CPU nanoseconds of the thread that read
   * the response (-1 where another process read it): the work left on the reading thread, which
   * unlike MB/s does not depend on whether another core was free at the time.
   */
  record Measured(long bytes, int instances, long nanos, long readingThreadCpuNanos) {
    Measured(long bytes, int instances, long nanos) {
      this(bytes, instances, nanos, -1);
    }

    double mbPerSecond() {
      return bytes / 1e6 / (nanos / 1e9);
    }

    /** CPU milliseconds of the reading thread per MB pulled; NaN where not measured. */
    double readingThreadCpuMsPerMb() {
      return readingThreadCpuNanos < 0 ? Double.NaN : readingThreadCpuNanos / 1e6 / (bytes / 1e6);
    }
  }

  private static long threadCpu() {
    return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  /** How the pipeline path treats each instance the source hands over. */
  enum Hashing {
    /** The pipeline's copy into an archive entry, no hash: the reference for the hash's cost. */
    NONE,
    /** On the reading thread, after the copy (the pipeline's way on fewer than 3 cores; the old way). */
    READING_THREAD,
    /** Hashed on a helper beside the copy, {@code add(uid, bytes)} waiting for it. */
    BESIDE_WAITING,
    /** Handed over ({@code handOver(uid, bytes)}): the hash finishes while the next instance is pulled (the pipeline's way on 3+ cores). */
    HANDED_OVER
  }

  /** Our client as a streaming consumer would use it: one instance at a time through a 64 KiB buffer, optionally hashed inline. */
  static Measured streamed(DicomWebClient client, boolean sha256, String study, String series) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long bytes = 0;
    int n = 0;
    long c0 = threadCpu();
    long t0 = System.nanoTime();
    try (InstanceStream s = client.retrieveSeries(study, series)) {
      while (s.next()) {
        MessageDigest md = sha256 ? Digests.sha256() : null;
        InputStream in = s.body();
        for (int r; (r = in.read(buf)) > 0; ) {
          bytes += r;
          if (md != null) md.update(buf, 0, r);
        }
        if (md != null) md.digest();
        n++;
      }
    }
    return new Measured(bytes, n, System.nanoTime() - t0, threadCpu() - c0);
  }

  /** The pipeline's pull: the product's source and archive writer, the sealing stream replaced by a discarding sink. */
  static Measured pipeline(DicomWebClient client, Hashing hashing, String series) throws IOException {
    SeriesSource source = new DicomWebSeriesSource(client);
    AtomicLong bytes = new AtomicLong();
    AtomicInteger n = new AtomicInteger();
    long c0 = threadCpu();
    long t0 = System.nanoTime();
    if (hashing == Hashing.NONE) {
      try (TarArchiveOutputStream tar = new TarArchiveOutputStream(OutputStream.nullOutputStream())) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        source.forEachInstance(series, (uid, part10) -> {
          TarArchiveEntry e = new TarArchiveEntry("instances/" + n.incrementAndGet() + ".dcm");
          e.setSize(part10.length);
          tar.putArchiveEntry(e);
          tar.write(part10);
          tar.closeArchiveEntry();
          bytes.addAndGet(part10.length);
        });
      }
    } else {
      StudyArchiveWriter.HashPlacement placement = hashing == Hashing.READING_THREAD ? StudyArchiveWriter.HashPlacement.READING_THREAD
          : StudyArchiveWriter.HashPlacement.BESIDE;
      try (StudyArchiveWriter w = StudyArchiveWriter.open(OutputStream.nullOutputStream(), placement)) {
        source.forEachInstance(series, (uid, part10) -> {
          switch (hashing) {
            case READING_THREAD -> w.handOver(uid, part10); // placement READING_THREAD: hashed after the copy, on this thread
            case BESIDE_WAITING -> w.add(uid, part10);
            default -> w.handOver(uid, part10);
          }
          n.incrementAndGet();
          bytes.addAndGet(part10.length);
        });
        w.finish(); // waits for the last digest
      }
    }
    return new Measured(bytes.get(), n.get(), System.nanoTime() - t0, threadCpu() - c0);
  }
}
