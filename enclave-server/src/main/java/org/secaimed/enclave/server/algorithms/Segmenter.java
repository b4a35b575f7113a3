package org.secaimed.enclave.server.algorithms;

import org.secaimed.dicom.exchange.ModelInfo;
import org.secaimed.dicom.volume.ImageVolume;

/** Segments one image volume. Implementations check {@link Thread#isInterrupted()} between steps. */
public interface Segmenter {
  Segmentation segment(ImageVolume image, ProgressListener progress) throws AlgorithmException;

  /** The enclave-held model this segmenter uses, or null for a model-free algorithm. */
  default ModelInfo model() {
    return null;
  }
}
