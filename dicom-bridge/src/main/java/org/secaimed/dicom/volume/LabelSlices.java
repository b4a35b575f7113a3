package org.secaimed.dicom.volume;

import java.io.Closeable;
import java.io.IOException;

/**
 * A label map read slice by slice, from slice 0 on, as many times as needed: from memory
 * ({@link LabelVolume}) or again from where it is kept (the operator reads it from the sealed
 * result on every pass), so a large label map never has to be whole on the heap. Slices are in
 * {@link ImageGeometry} order, column index fastest, one unsigned byte per voxel, 0 = background.
 */
public interface LabelSlices {
  ImageGeometry geometry();

  /** A new pass over the slices in order; close it when done (early is fine). */
  Pass pass() throws IOException;

  /** One sequential pass. */
  interface Pass extends Closeable {
    /** Fills {@code slice} ({@code geometry().frameSize()} bytes) with the next slice. */
    void next(byte[] slice) throws IOException;
  }
}
