package org.secaimed.dicom.pipeline;

import java.io.IOException;

/**
 * Where a series' instances come from. Instances are handed over one at a time, in memory, and
 * never written to disk: the pipeline hashes and seals each one as it arrives.
 */
public interface SeriesSource {

  /**
   * Receives one instance: its Part 10 bytes, handed over. The source allocates a fresh array per
   * instance and never touches it again, so the consumer may keep reading it after the call (the
   * pipeline hashes it on a helper thread while the next instance is pulled).
   */
  @FunctionalInterface
  interface InstanceConsumer {
    void accept(String sopInstanceUid, byte[] part10) throws IOException;
  }

  /** Streams every instance of the series to {@code consumer}; fails if the series has none. */
  void forEachInstance(String seriesInstanceUid, InstanceConsumer consumer) throws IOException;

  /**
   * Streams every SEG instance in the series' study that references the series: the reference
   * segmentations training and evaluation need. None found is not an error here; the caller decides.
   */
  void forEachReferencingSeg(String seriesInstanceUid, InstanceConsumer consumer) throws IOException;

  /** Where the data comes from, for messages (no credentials). */
  String describe();
}
