package org.secaimed.dicom.volume;

/**
 * A label map on a geometry: 0 is background, 1..255 are segment numbers (read as unsigned).
 * Overlapping segments cannot be expressed here; the SEG builder takes per-segment masks for that.
 */
public record LabelVolume(ImageGeometry geometry, byte[] labels) implements LabelSlices {
  public LabelVolume {
    if (labels.length != geometry.voxelCount()) {
      throw new IllegalArgumentException(
          "label count " + labels.length + " does not match geometry " + geometry);
    }
  }

  public int at(int i, int j, int k) {
    return labels[i + geometry.columns() * (j + geometry.rows() * k)] & 0xFF;
  }

  @Override
  public Pass pass() {
    int frameSize = geometry.frameSize();
    return new Pass() {
      private int next;

      @Override
      public void next(byte[] slice) {
        if (next >= geometry.slices()) throw new IllegalStateException("past the last slice");
        System.arraycopy(labels, next++ * frameSize, slice, 0, frameSize);
      }

      @Override
      public void close() {}
    };
  }
}
