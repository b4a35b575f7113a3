package org.secaimed.dicom.pipeline;

import java.io.IOException;
import org.secaimed.dicom.seg.Segmentation;
import org.secaimed.dicom.web.DicomWebClient;
import org.secaimed.dicom.web.StowRequest;
import org.secaimed.dicom.web.StowResult;

/** STOW-RS to a DICOMweb service. */
public final class StowSegDestination implements SegDestination {
  private final DicomWebClient client;

  public StowSegDestination(DicomWebClient client) {
    this.client = client;
  }

  @Override
  public String store(Segmentation seg) throws IOException {
    // Streamed: the SEG's pixel data is made frame by frame while the request body is sent.
    long length;
    try {
      length = seg.part10Length();
    } catch (org.secaimed.dicom.seg.SegmentationException e) {
      throw new PipelineException(PipelineException.Step.WRITE_BACK, seg.sopInstanceUid(), e.getMessage(), e);
    }
    StowResult result = client.store(StowRequest.builder().addStreamed("SEG " + seg.sopInstanceUid(), seg.sopClassUid(),
        seg.sopInstanceUid(), length, out -> {
          try {
            seg.writeTo(out);
          } catch (org.secaimed.dicom.seg.SegmentationException e) {
            throw new java.io.IOException(e.getMessage(), e);
          }
        }).build());
    if (!result.allStored()) {
      throw new PipelineException(PipelineException.Step.WRITE_BACK, seg.sopInstanceUid(), "STOW-RS to " + describe() + " failed: " + result.outcomes());
    }
    return describe();
  }

  @Override
  public String describe() {
    return "STOW-RS " + client.baseUrl();
  }
}
