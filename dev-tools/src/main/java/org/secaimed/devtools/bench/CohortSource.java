package org.secaimed.devtools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.secaimed.devtools.phantom.PhantomSeries;
import org.secaimed.dicom.pipeline.SeriesSource;

/**
 * N distinct series from one phantom series written to disk once: series i is the template with
 * every UID (study, series, frame of reference, instance) rewritten in place to another of the same
 * length, as a PACS would serve N patients' scans; no pixels are generated during the run. Where
 * each UID sits in each template file is found once, so serving an instance costs a file read and
 * a few small writes, not a scan of its pixels (the operator's CPU is what is measured). Bench only.
 */
final class CohortSource implements SeriesSource {
  private final Path templateDir;
  private final PhantomSeries template;
  private final Map<String, Integer> indexBySeries = new HashMap<>();
  /** Per template instance: where each UID occurs, and which one. */
  private final List<List<Site>> sites = new ArrayList<>();

  private record Site(int offset, String templateUid) {}

  CohortSource(Path templateDir, PhantomSeries template, int count) throws IOException {
    this.templateDir = templateDir;
    this.template = template;
    for (int i = 0; i < count; i++) indexBySeries.put(seriesUid(i), i);
    for (int k = 0; k < template.size(); k++) {
      byte[] bytes = Files.readAllBytes(file(k));
      List<Site> found = new ArrayList<>();
      for (String uid : List.of(template.studyInstanceUid(), template.seriesInstanceUid(), template.frameOfReferenceUid(),
          template.sopInstanceUid(k))) {
        for (int at : occurrences(bytes, uid)) found.add(new Site(at, uid));
      }
      sites.add(found);
    }
  }

  String seriesUid(int i) {
    return variant(template.seriesInstanceUid(), i);
  }

  @Override
  public void forEachInstance(String seriesUid, InstanceConsumer consumer) throws IOException {
    Integer i = indexBySeries.get(seriesUid);
    if (i == null) throw new IOException("no series " + seriesUid + " in the bench cohort");
    for (int k = 0; k < template.size(); k++) {
      byte[] bytes = Files.readAllBytes(file(k)); // a fresh array per instance: the consumer keeps it (SeriesSource)
      for (Site s : sites.get(k)) {
        byte[] to = variant(s.templateUid(), i).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(to, 0, bytes, s.offset(), to.length);
      }
      consumer.accept(variant(template.sopInstanceUid(k), i), bytes);
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

  private Path file(int k) {
    return templateDir.resolve(String.format("CT%06d.dcm", k + 1));
  }

  /** The same UID with its last six digits shifted by {@code i}: same length, still valid, distinct per i. */
  static String variant(String uid, int i) {
    int cut = uid.length() - 6;
    long last = Long.parseLong(uid.substring(cut));
    return uid.substring(0, cut) + String.format("%06d", (last + i) % 1_000_000);
  }

  /** Non-overlapping offsets of {@code uid}'s ASCII bytes in {@code data}. */
  private static List<Integer> occurrences(byte[] data, String uid) {
    byte[] f = uid.getBytes(StandardCharsets.US_ASCII);
    List<Integer> at = new ArrayList<>();
    outer:
    for (int p = 0; p <= data.length - f.length; p++) {
      if (data[p] != f[0]) continue;
      for (int j = 1; j < f.length; j++) if (data[p + j] != f[j]) continue outer;
      at.add(p);
      p += f.length - 1;
    }
    return at;
  }
}
