package org.secaimed.dicom.pipeline;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.geometry.SeriesAssemblyException;
import org.secaimed.dicom.pipeline.PipelineException.Step;

/** Headers of a series, parsed from instances held in memory, for the geometry check and the SEG. */
final class SeriesHeaders {
  private final SeriesAssembler assembler = SeriesAssembler.create().withPixels(false);

  void add(byte[] part10, String uid) throws PipelineException {
    AttributeList list = new AttributeList();
    try {
      // The whole instance is parsed (it is in memory anyway): the assembler checks the pixel data too.
      list.read(new DicomInputStream(new ByteArrayInputStream(part10)));
    } catch (DicomException | IOException | RuntimeException e) {
      throw new PipelineException(Step.PULL, uid, "cannot parse DICOM header: " + e.getMessage(), e);
    }
    try {
      assembler.add(list, uid);
    } catch (SeriesAssemblyException e) {
      throw new PipelineException(Step.PULL, uid, e.getMessage(), e);
    }
  }

  AssembledSeries assemble(String seriesUid) throws PipelineException {
    try {
      return assembler.assemble();
    } catch (SeriesAssemblyException e) {
      throw new PipelineException(Step.PULL, seriesUid, e.getMessage(), e);
    }
  }
}
