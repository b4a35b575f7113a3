package org.secaimed.dicom.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.secaimed.dicom.exchange.ResultPayloadException.Reason;
import org.secaimed.dicom.seg.CodedConcept;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.LabelVolume;

class ResultPayloadsTest {
  static final AlgorithmRef ALG = new AlgorithmRef("ct-body-lungs-bone", "1.0.0", "sha256:" + "ab".repeat(32));
  static final SegmentDescription LUNG = new SegmentDescription(2, "Lungs", CodedConcept.sct("123037004", "Anatomical Structure"),
      CodedConcept.sct("39607008", "Lung"), null, SegmentDescription.AlgorithmType.AUTOMATIC, "test 1", new int[] {1, 2, 3});
  static final ImageGeometry GEOMETRY = new ImageGeometry(4, 3, 2, new double[] {0.5, 0.5, 2}, new double[] {-1, -2, 10},
      new double[] {1, 0, 0}, new double[] {0, 1, 0}, new double[] {0, 0, 1});

  private static byte[] write(ResultPayload p) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ResultPayloads.write(p, out);
    return out.toByteArray();
  }

  private static ResultPayload.Segmentation segmentation() {
    byte[] labels = new byte[24];
    labels[5] = 2;
    labels[17] = 2;
    SourceReference source = new SourceReference("1.2.3", "1.2.3.4", "1.2.3.5", List.of("1.2.3.6", "1.2.3.7"));
    ModelInfo model = new ModelInfo("model-0123", "sha256:" + "cd".repeat(32), "voxel-classifier");
    return new ResultPayload.Segmentation(ALG, new LabelVolume(GEOMETRY, labels), List.of(LUNG), source, model,
        List.of(Metric.segment("volume", 2, 1.5, "ml")));
  }

  @Test
  void segmentationRoundTripsExactly() throws Exception {
    ResultPayload.Segmentation s = segmentation();
    ResultPayload.Segmentation back = (ResultPayload.Segmentation) ResultPayloads.read(new ByteArrayInputStream(write(s)));
    assertThat(back.labels().labels()).isEqualTo(s.labels().labels());
    assertThat(back.labels().geometry()).isEqualTo(GEOMETRY);
    assertThat(back.algorithm()).isEqualTo(ALG);
    assertThat(back.source()).isEqualTo(s.source());
    assertThat(back.model()).isEqualTo(s.model());
    assertThat(back.metrics()).isEqualTo(s.metrics());
    assertThat(back.segments()).hasSize(1);
    assertThat(back.segments().get(0).type()).isEqualTo(LUNG.type());
    assertThat(back.segments().get(0).recommendedDisplayRgb()).containsExactly(1, 2, 3);
  }

  @Test
  void trainingAndEvaluationRoundTrip() throws Exception {
    ModelInfo model = new ModelInfo("model-ff", "sha256:" + "01".repeat(32), "voxel-classifier");
    ResultPayload.Training t = new ResultPayload.Training(ALG, model, List.of(Metric.task("loss", 0.25, null)));
    assertThat(ResultPayloads.read(new ByteArrayInputStream(write(t)))).isEqualTo(t);
    ResultPayload.Evaluation e = new ResultPayload.Evaluation(ALG, null, List.of(Metric.segment("dice", 2, 0.97, null), Metric.segment("hausdorff95", 2, 1.2, "mm")));
    assertThat(ResultPayloads.read(new ByteArrayInputStream(write(e)))).isEqualTo(e);
  }

  @Test
  void changedLabelsAreCaught() throws Exception {
    byte[] original = write(segmentation());
    byte[] json = entry(original, "result.json");
    byte[] labels = gunzip(entry(original, "labels.u8.gz"));
    labels[5] = 3;
    assertThatThrownBy(() -> ResultPayloads.read(new ByteArrayInputStream(tar(json, gzip(labels))))).isInstanceOfSatisfying(ResultPayloadException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.LABELS_MISMATCH));
    byte[] longer = Arrays.copyOf(gunzip(entry(original, "labels.u8.gz")), 25);
    assertThatThrownBy(() -> ResultPayloads.read(new ByteArrayInputStream(tar(json, gzip(longer))))).isInstanceOfSatisfying(ResultPayloadException.class,
        e -> assertThat(e.getMessage()).contains("more than 24"));
    // unchanged parts reassembled by hand still read: the test's tar is faithful
    assertThat(ResultPayloads.read(new ByteArrayInputStream(tar(json, entry(original, "labels.u8.gz"))))).isNotNull();
  }

  @Test
  void truncationAndGarbageAreTypedErrors() throws Exception {
    byte[] bytes = write(segmentation());
    for (int cut : new int[] {600, 1100, 1600}) {
      assertThatThrownBy(() -> ResultPayloads.read(new ByteArrayInputStream(Arrays.copyOf(bytes, cut))))
          .as("cut at %d", cut).isInstanceOf(ResultPayloadException.class);
    }
    assertThatThrownBy(() -> ResultPayloads.read(new ByteArrayInputStream(new byte[700]))).isInstanceOf(ResultPayloadException.class);
  }

  private static byte[] entry(byte[] tarBytes, String name) throws Exception {
    try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(new ByteArrayInputStream(tarBytes))) {
      for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) if (e.getName().equals(name)) return in.readAllBytes();
    }
    throw new AssertionError("no entry " + name);
  }

  private static byte[] tar(byte[] json, byte[] labelsGz) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(out)) {
      for (Object[] e : new Object[][] {{"result.json", json}, {"labels.u8.gz", labelsGz}}) {
        var entry = new org.apache.commons.compress.archivers.tar.TarArchiveEntry((String) e[0]);
        entry.setSize(((byte[]) e[1]).length);
        tar.putArchiveEntry(entry);
        tar.write((byte[]) e[1]);
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  private static byte[] gzip(byte[] b) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var gz = new java.util.zip.GZIPOutputStream(out)) {
      gz.write(b);
    }
    return out.toByteArray();
  }

  private static byte[] gunzip(byte[] b) throws Exception {
    try (var in = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(b))) {
      return in.readAllBytes();
    }
  }

  @Test
  void aLabelWithoutDescriptionCannotBeWrittenOrRead() {
    byte[] labels = new byte[24];
    labels[0] = 7;
    ResultPayload.Segmentation bad = new ResultPayload.Segmentation(ALG, new LabelVolume(GEOMETRY, labels), List.of(LUNG), null, null, List.of());
    assertThatThrownBy(() -> ResultPayloads.read(new ByteArrayInputStream(write(bad)))).isInstanceOfSatisfying(ResultPayloadException.class,
        e -> assertThat(e.field()).isEqualTo("labels.u8.gz"));
  }

}
