package org.secaimed.tests.viewer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.seg.Segmentation;
import org.secaimed.dicom.seg.SegmentationType;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.LabelVolume;

/**
 * One SEG for the browser and what a viewer must find in it, derived from the label volume we gave
 * the builder (not from the SEG): the segments, the source image of each frame in the documented
 * frame order (docs/seg.md "Frames"), and the voxels per segment on each source image.
 *
 * @param images URLs of the source instances, relative to the page
 * @param frames per SEG frame: segment number (null for LABELMAP, which has no per-frame segment)
 *     and the SOP Instance UID of the source image it lies on
 * @param voxels per source SOP Instance UID: segment number → voxel count (images without any left out)
 * @param packedBytes for BINARY, the bit-packed pixel bytes before the even-length pad (else 0)
 */
record ViewerCase(String name, SegmentationType type, String modality, int columns, int rows, Path seg, List<String> images,
    Map<Integer, String> segments, List<Frame> frames, Map<String, Map<Integer, Long>> voxels, long packedBytes) {

  record Frame(Integer segment, String sopInstanceUid) {}

  /** True when the 1-bit pixel data needed the zero pad byte PS3.5 7.1 requires for even lengths. */
  boolean padded() {
    return packedBytes % 2 == 1;
  }

  static ViewerCase expect(String name, String modality, Segmentation seg, Path segFile, List<String> images,
      AssembledSeries source, LabelVolume labels, List<SegmentDescription> described) {
    ImageGeometry g = labels.geometry();
    int slices = g.slices(), frameSize = g.frameSize();
    int[] sourceSlice = new int[slices];
    for (int k = 0; k < slices; k++) {
      sourceSlice[k] = source.sliceAt(g.positionOf(0, 0, k), 0.01);
      if (sourceSlice[k] < 0) throw new IllegalStateException(name + ": label slice " + k + " is on no source slice");
    }
    boolean labelmap = seg.type() == SegmentationType.LABELMAP;
    // count[label][source slice]
    long[][] count = new long[256][source.slices()];
    byte[] v = labels.labels();
    for (int k = 0; k < slices; k++) {
      for (int p = 0; p < frameSize; p++) count[v[k * frameSize + p] & 0xFF][sourceSlice[k]]++;
    }
    Map<Integer, String> segments = new TreeMap<>();
    List<Integer> labelOrder = new ArrayList<>();
    for (SegmentDescription d : described) labelOrder.add(d.number());
    labelOrder.sort(null);
    for (SegmentDescription d : described) segments.put(segmentOf(seg, d.number(), labelmap), d.label());

    Map<String, Map<Integer, Long>> voxels = new TreeMap<>();
    for (int label = 1; label < 256; label++) {
      for (int s = 0; s < source.slices(); s++) {
        if (count[label][s] == 0) continue;
        voxels.computeIfAbsent(sop(source, s), x -> new TreeMap<>()).put(segmentOf(seg, label, labelmap), count[label][s]);
      }
    }
    List<Frame> frames = new ArrayList<>();
    if (labelmap) {
      for (int s = 0; s < source.slices(); s++) {
        long any = 0;
        for (int label = 1; label < 256; label++) any += count[label][s];
        if (any > 0) frames.add(new Frame(null, sop(source, s)));
      }
    } else {
      for (int label : labelOrder) {
        int before = frames.size();
        int segment = segmentOf(seg, label, false);
        for (int s = 0; s < source.slices(); s++) if (count[label][s] > 0) frames.add(new Frame(segment, sop(source, s)));
        if (frames.size() == before) frames.add(new Frame(segment, sop(source, 0))); // "looked, found nothing"
      }
    }
    long packed = seg.type() == SegmentationType.BINARY ? ((long) frames.size() * frameSize + 7) / 8 : 0;
    return new ViewerCase(name, seg.type(), modality, g.columns(), g.rows(), segFile, images, segments, frames, voxels, packed);
  }

  private static int segmentOf(Segmentation seg, int label, boolean labelmap) {
    return labelmap ? label : seg.labelToSegment().get(label);
  }

  private static String sop(AssembledSeries source, int slice) {
    return source.frames().get(slice).sopInstanceUid();
  }
}
