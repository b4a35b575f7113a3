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
    StowResult result = client.store(StowRequest.builder().addDataset(seg.dataset()).build());
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
