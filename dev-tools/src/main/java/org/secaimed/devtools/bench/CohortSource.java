package org.secaimed.devtools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.dicom.pipeline.SeriesSource;

/**
 * N distinct series from one phantom series written to disk once: series i is the template with
 * every UID (study, series, frame of reference, instance) rewritten in place to another of the same
 * length, as a PACS would serve N patients' scans; no pixels are generated during the run. Bench only.
 */
final class CohortSource implements SeriesSource {
  private final Path templateDir;
  private final PhantomSeries template;
  private final Map<String, Integer> indexBySeries = new HashMap<>();

  CohortSource(Path templateDir, PhantomSeries template, int count) {
    this.templateDir = templateDir;
    this.template = template;
    for (int i = 0; i < count; i++) indexBySeries.put(seriesUid(i), i);
  }

  String seriesUid(int i) {
    return variant(template.seriesInstanceUid(), i);
  }

  @Override
  public void forEachInstance(String seriesUid, InstanceConsumer consumer) throws IOException {
    Integer i = indexBySeries.get(seriesUid);
    if (i == null) throw new IOException("no series " + seriesUid + " in the bench cohort");
    List<String[]> common = List.of(
        new String[] {template.studyInstanceUid(), variant(template.studyInstanceUid(), i)},
        new String[] {template.seriesInstanceUid(), variant(template.seriesInstanceUid(), i)},
        new String[] {template.frameOfReferenceUid(), variant(template.frameOfReferenceUid(), i)});
    for (int k = 0; k < template.size(); k++) {
      byte[] bytes = Files.readAllBytes(templateDir.resolve(String.format("CT%06d.dcm", k + 1)));
      for (String[] r : common) replaceAll(bytes, r[0], r[1]);
      String sop = variant(template.sopInstanceUid(k), i);
      replaceAll(bytes, template.sopInstanceUid(k), sop);
      consumer.accept(sop, bytes);
    }
  }

  @Override
  public void forEachReferencingSeg(String seriesInstanceUid, InstanceConsumer consumer) {
    // segmentation only: no reference SEGs
  }

  @Override
  public String describe() {
    return "bench cohort template " + templateDir;
  }

  /** The same UID with its last six digits shifted by {@code i}: same length, still valid, distinct per i. */
  static String variant(String uid, int i) {
    int cut = uid.length() - 6;
    long last = Long.parseLong(uid.substring(cut));
    return uid.substring(0, cut) + String.format("%06d", (last + i) % 1_000_000);
  }

  private static void replaceAll(byte[] data, String from, String to) {
    byte[] f = from.getBytes(StandardCharsets.US_ASCII);
    byte[] t = to.getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int p = 0; p <= data.length - f.length; p++) {
      if (data[p] != f[0]) continue;
      for (int j = 1; j < f.length; j++) if (data[p + j] != f[j]) continue outer;
      System.arraycopy(t, 0, data, p, t.length);
      p += f.length - 1;
    }
  }
}
