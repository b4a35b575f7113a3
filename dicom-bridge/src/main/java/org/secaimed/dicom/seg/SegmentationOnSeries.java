package org.secaimed.dicom.seg;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.SeriesAssemblyException;
import org.secaimed.dicom.seg.SegmentationException.Reason;
import org.secaimed.dicom.volume.LabelVolume;

/**
 * A SEG decoded onto its source series: one voxel mask per segment, voxel index
 * {@code i + columns * (j + rows * k)} with k in {@link AssembledSeries#frames()} order.
 */
public final class SegmentationOnSeries {
  private final SegmentationType type;
  private final String sopInstanceUid;
  private final AssembledSeries series;
  private final List<SegmentDescription> segments;
  private final Map<Integer, BitSet> masks;

  SegmentationOnSeries(SegmentationType type, String sopInstanceUid, AssembledSeries series,
      List<SegmentDescription> segments, Map<Integer, BitSet> masks) {
    this.type = type;
    this.sopInstanceUid = sopInstanceUid;
    this.series = series;
    this.segments = List.copyOf(segments);
    this.masks = new TreeMap<>(masks);
  }

  public SegmentationType type() { return type; }
  public String sopInstanceUid() { return sopInstanceUid; }
  public AssembledSeries series() { return series; }

  /** The segments (LABELMAP: without the background segment). */
  public List<SegmentDescription> segments() { return segments; }

  /** The voxels of a segment (a copy), or an empty set for a segment without voxels. */
  public BitSet mask(int segmentNumber) {
    BitSet m = masks.get(segmentNumber);
    return m == null ? new BitSet() : (BitSet) m.clone();
  }

  /**
   * One label per voxel, value = segment number, 0 = none (as dcmqi reads a SEG back).
   * Fails if two segments share a voxel or a segment number exceeds 255.
   */
  public byte[] labels() throws SegmentationException {
    long n = (long) series.rows() * series.columns() * series.slices();
    byte[] out = new byte[Math.toIntExact(n)];
    for (Map.Entry<Integer, BitSet> e : masks.entrySet()) {
      int number = e.getKey();
      if (number > 255) {
        throw new SegmentationException(Reason.UNSUPPORTED, "segment number " + number + " does not fit an 8-bit label map");
      }
      BitSet m = e.getValue();
      for (int v = m.nextSetBit(0); v >= 0; v = m.nextSetBit(v + 1)) {
        if (out[v] != 0) {
          int frameSize = series.rows() * series.columns();
          throw new SegmentationException(Reason.OVERLAPPING_SEGMENTS, "segments " + (out[v] & 0xFF) + " and " + number
              + " both contain voxel i=" + (v % series.columns()) + " j=" + (v % frameSize / series.columns()) + " k=" + (v / frameSize)
              + "; read the masks one by one instead of as one label map");
        }
        out[v] = (byte) number;
      }
    }
    return out;
  }

  /** {@link #labels()} on the series grid; needs a regularly spaced series. */
  public LabelVolume toLabelVolume() throws SegmentationException {
    try {
      return new LabelVolume(series.geometry(), labels());
    } catch (SeriesAssemblyException e) {
      throw new SegmentationException(Reason.GEOMETRY_MISMATCH, "cannot form a label volume: " + e.getMessage(), e);
    }
  }
}
