package org.secaimed.dicom.exchange;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.secaimed.dicom.seg.SegmentDescription;

/** What a segmentation result must satisfy whether its labels are in memory or read as a stream. */
final class SegmentationChecks {
  private SegmentationChecks() {}

  /** Throws {@link IllegalArgumentException} naming the segment number or the source at fault. */
  static void check(List<SegmentDescription> segments, SourceReference source, int slices) {
    Set<Integer> numbers = new HashSet<>();
    for (var s : segments) {
      if (s.number() > 255) throw new IllegalArgumentException("segment " + s.number() + " does not fit a uint8 label map");
      if (!numbers.add(s.number())) throw new IllegalArgumentException("segment number " + s.number() + " described twice");
    }
    if (source != null && source.sopInstanceUids().size() != slices) {
      throw new IllegalArgumentException("source lists " + source.sopInstanceUids().size() + " instances for " + slices + " slices");
    }
  }
}
