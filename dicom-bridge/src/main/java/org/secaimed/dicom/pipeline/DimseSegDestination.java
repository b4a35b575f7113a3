package org.secaimed.dicom.pipeline;

import java.io.IOException;
import org.secaimed.dicom.dimse.DimseClient;
import org.secaimed.dicom.dimse.StoreResult;
import org.secaimed.dicom.seg.Segmentation;

/** C-STORE to a DIMSE peer, e.g. Kaapana's CTP with calling AE {@code kp-<dataset>} and called AE {@code kp-<project>}. */
public final class DimseSegDestination implements SegDestination {
  private final DimseClient client;

  public DimseSegDestination(DimseClient client) {
    this.client = client;
  }

  @Override
  public String store(Segmentation seg) throws IOException {
    // Streamed: the SEG's pixel data is made frame by frame while the association carries it.
    StoreResult result = client.storeStreamed(seg.sopClassUid(), seg.sopInstanceUid(), out -> {
      try {
        seg.writeTo(out);
      } catch (org.secaimed.dicom.seg.SegmentationException e) {
        throw new IOException(e.getMessage(), e);
      }
    });
    if (!result.allStored()) {
      throw new PipelineException(PipelineException.Step.WRITE_BACK, seg.sopInstanceUid(), "C-STORE to " + describe() + " failed: " + result);
    }
    return describe();
  }

  @Override
  public String describe() {
    return "C-STORE " + client.callingAeTitle() + " -> " + client.peer();
  }
}
