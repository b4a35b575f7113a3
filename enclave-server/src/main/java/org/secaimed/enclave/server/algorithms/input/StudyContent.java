package org.secaimed.enclave.server.algorithms.input;

import com.pixelmed.dicom.AttributeList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.secaimed.enclave.server.algorithms.AlgorithmException;
import org.secaimed.enclave.server.algorithms.AlgorithmException.Reason;
import org.secaimed.dicom.exchange.InstanceRecord;
import org.secaimed.dicom.exchange.SourceReference;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.geometry.SeriesAssemblyException;
import org.secaimed.dicom.geometry.SourceFrame;

/**
 * One decrypted, verified study archive: its image series (each fed to a {@link SeriesAssembler}
 * as the instances streamed past, so only slice pixels are held), its segmentation instances, and
 * the manifest records (the per-instance SHA-256 the receipt names).
 */
public final class StudyContent {
  private final String inputName;
  private final List<InstanceRecord> records;
  private final Map<String, SeriesAssembler> series;
  private final List<AttributeList> segmentations;

  StudyContent(String inputName, List<InstanceRecord> records, Map<String, SeriesAssembler> series, List<AttributeList> segmentations) {
    this.inputName = inputName;
    this.records = List.copyOf(records);
    this.series = new LinkedHashMap<>(series);
    this.segmentations = List.copyOf(segmentations);
  }

  public String inputName() {
    return inputName;
  }

  public List<InstanceRecord> records() {
    return records;
  }

  public Set<String> imageSeriesUids() {
    return series.keySet();
  }

  public List<AttributeList> segmentations() {
    return segmentations;
  }

  /** Assembles one image series into a volume; geometry problems are BAD_INPUT naming the instance. */
  public LoadedSeries load(String seriesUid) throws AlgorithmException {
    SeriesAssembler assembler = series.get(seriesUid);
    if (assembler == null) throw new AlgorithmException(Reason.BAD_PARAMETER, "parameters.series", inputName + " has no image series " + seriesUid);
    try {
      AssembledSeries s = assembler.assemble();
      List<String> uids = s.frames().stream().map(SourceFrame::sopInstanceUid).toList();
      SourceReference source = new SourceReference(s.context().studyInstanceUid(), s.context().seriesInstanceUid(), s.context().frameOfReferenceUid(), uids);
      return new LoadedSeries(s.context().modality(), s.volume(), source, s);
    } catch (SeriesAssemblyException e) {
      throw new AlgorithmException(Reason.BAD_INPUT, e.instance() == null ? inputName : e.instance(), inputName + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new AlgorithmException(Reason.BAD_INPUT, inputName, "series " + seriesUid + ": " + e.getMessage(), e);
    }
  }
}
