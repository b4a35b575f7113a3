package org.secaimed.kaapana.job;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.secaimed.dicom.pipeline.DicomWebSeriesSource;
import org.secaimed.dicom.web.DicomJsonObject;
import org.secaimed.dicom.web.DicomWebClient;
import org.secaimed.dicom.web.QidoQuery;

/**
 * Kaapana's GetInputOperator {@code check_modality}: series of another modality than the workflow
 * takes are skipped before anything is sealed or sent. Asked by study-level QIDO-RS through
 * dicom-web-filter ({@code /studies/{st}/series?SeriesInstanceUID=}), the route it serves.
 */
final class ModalityCheck {
  private static final int MODALITY = 0x00080060;

  private final DicomWebClient client;
  private final DicomWebSeriesSource source;

  ModalityCheck(DicomWebClient client) {
    this.client = client;
    this.source = new DicomWebSeriesSource(client);
  }

  /** Series whose modality differs from {@code wanted}, each with why; unresolvable series are left to the pipeline. */
  Map<String, String> mismatches(List<String> seriesUids, String wanted) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    String want = wanted.trim().toUpperCase(Locale.ROOT);
    for (String uid : seriesUids) {
      String study;
      try {
        study = source.studyOf(uid);
      } catch (IOException e) {
        continue; // the pipeline reports it, naming the step
      }
      List<DicomJsonObject> found = client.search(QidoQuery.series().inStudy(study).match("SeriesInstanceUID", uid).build());
      String modality = found.isEmpty() ? null : found.get(0).string(MODALITY);
      if (modality != null && !modality.equalsIgnoreCase(want)) {
        out.put(uid, "modality " + modality + ", this workflow takes " + want);
      }
    }
    return out;
  }
}
