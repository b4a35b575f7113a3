package org.secaimed.dicom.pipeline;

import java.io.IOException;
import java.util.List;
import org.secaimed.dicom.web.DicomJsonObject;
import org.secaimed.dicom.web.DicomWebClient;
import org.secaimed.dicom.web.DicomWebException;
import org.secaimed.dicom.web.InstanceStream;
import org.secaimed.dicom.web.QidoQuery;

/**
 * Pulls a series by WADO-RS (Kaapana: through dicom-web-filter with the project user's token).
 * Kaapana hands the operator only Series Instance UIDs, so the study is found by QIDO-RS first.
 */
public final class DicomWebSeriesSource implements SeriesSource {
  private static final int STUDY_INSTANCE_UID = 0x0020000D;
  private static final int SERIES_INSTANCE_UID = 0x0020000E;

  private final DicomWebClient client;

  public DicomWebSeriesSource(DicomWebClient client) {
    this.client = client;
  }

  /**
   * The study that holds {@code seriesUid}, by a study-level QIDO-RS with a series key
   * ({@code GET /studies?SeriesInstanceUID=}): Kaapana's dicom-web-filter is study-rooted and
   * answers its root {@code /series} with 400 "StudyInstanceUID is required". A PACS without
   * relational queries (Orthanc) answers that search with nothing; only then is the root
   * series-level search tried, and its refusal (the filter's 400) counts as "not found".
   */
  public String studyOf(String seriesUid) throws IOException {
    List<DicomJsonObject> found = client.search(QidoQuery.studies().match("SeriesInstanceUID", seriesUid).build());
    if (found.isEmpty()) found = rootSeriesSearch(seriesUid);
    if (found.isEmpty()) {
      throw new PipelineException(PipelineException.Step.RESOLVE, seriesUid, "no such series visible at " + client.baseUrl());
    }
    String study = found.get(0).string(STUDY_INSTANCE_UID);
    if (study == null || study.isBlank()) {
      throw new PipelineException(PipelineException.Step.RESOLVE, seriesUid, "QIDO-RS answer lacks StudyInstanceUID");
    }
    return study;
  }

  private List<DicomJsonObject> rootSeriesSearch(String seriesUid) throws IOException {
    try {
      return client.search(QidoQuery.series().match("SeriesInstanceUID", seriesUid).build());
    } catch (DicomWebException e) {
      if (e.status() == 400) return List.of();
      throw e;
    }
  }

  @Override
  public void forEachInstance(String seriesUid, InstanceConsumer consumer) throws IOException {
    String study = studyOf(seriesUid);
    int count = 0;
    try (InstanceStream stream = client.retrieveSeries(study, seriesUid)) {
      while (stream.next()) {
        byte[] part10 = stream.bodyBytes();
        consumer.accept(stream.sopInstanceUid(), part10);
        count++;
      }
    }
    if (count == 0) throw new PipelineException(PipelineException.Step.PULL, seriesUid, "WADO-RS returned no instances");
  }

  @Override
  public void forEachReferencingSeg(String seriesUid, InstanceConsumer consumer) throws IOException {
    String study = studyOf(seriesUid);
    for (DicomJsonObject seg : client.searchAll(QidoQuery.series().inStudy(study).match("Modality", "SEG").build(), 200)) {
      String segSeries = seg.string(SERIES_INSTANCE_UID);
      if (segSeries == null || segSeries.isBlank()) continue;
      try (InstanceStream stream = client.retrieveSeries(study, segSeries)) {
        while (stream.next()) {
          byte[] part10 = stream.bodyBytes();
          if (SegReferences.isSegReferencing(SegReferences.header(part10, stream.sopInstanceUid()), seriesUid)) {
            consumer.accept(stream.sopInstanceUid(), part10);
          }
        }
      }
    }
  }

  @Override
  public String describe() {
    return "DICOMweb " + client.baseUrl();
  }
}
