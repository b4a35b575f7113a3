package org.secaimed.dicom.pipeline;

import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.geometry.SeriesAssemblyException;
import org.secaimed.dicom.pipeline.PipelineException.Step;

/** Headers of a series, parsed from instances held in memory, for the geometry check and the SEG. */
final class SeriesHeaders {
  private final SeriesAssembler assembler = SeriesAssembler.create().withPixels(false);

  void add(byte[] part10, String uid) throws PipelineException {
    try {
      // Structurally checked and parsed up to the pixel data, whose presence and length the assembler checks.
      assembler.addBytes(part10, uid);
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
