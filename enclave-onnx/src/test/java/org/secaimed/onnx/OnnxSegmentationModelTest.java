package org.secaimed.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.secaimed.dicom.exchange.ModelManifest;
import org.secaimed.dicom.exchange.ModelManifestException;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.ImageVolume;
import org.secaimed.dicom.volume.LabelVolume;

/**
 * Loading a provider model against its manifest, and running it, with the committed test model
 * (models/phantom-ct-cnn). Its accuracy on phantoms is tested in dev-tools (OnnxPhantomDiceTest),
 * where the phantoms live.
 */
class OnnxSegmentationModelTest {
  static final Path MODEL_DIR = Path.of(System.getProperty("secaimed.repo.root", "..")).resolve("models/phantom-ct-cnn");
  static byte[] modelBytes;
  static ModelManifest manifest;
  static OnnxSegmentationModel model;

  @BeforeAll
  static void load() throws Exception {
    modelBytes = Files.readAllBytes(MODEL_DIR.resolve("model.onnx"));
    manifest = ModelManifest.parse(Files.readAllBytes(MODEL_DIR.resolve("manifest.json")));
    model = OnnxSegmentationModel.load(modelBytes, manifest, 1);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void digestIsTheSha256OfTheModelBytes() {
    assertThat(model.digest()).isEqualTo(org.secaimed.connector.io.Digests.of(modelBytes));
  }

  @Test
  void bytesThatAreNotAModelAreRefused() {
    byte[] bad = "not an onnx model".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> OnnxSegmentationModel.load(bad, manifest, 1))
        .isInstanceOfSatisfying(OnnxModelException.class, e -> assertThat(e.reason()).isEqualTo(OnnxModelException.Reason.BAD_MODEL))
        .hasMessageContaining("phantom-ct-cnn");
  }

  @Test
  void aManifestThatMisnamesTheInputIsRefusedAtLoad() throws Exception {
    ModelManifest wrong = ModelManifest.parse(manifestJson().replace("\"name\": \"hu\"", "\"name\": \"image\"").getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> OnnxSegmentationModel.load(modelBytes, wrong, 1))
        .isInstanceOfSatisfying(OnnxModelException.class, e -> assertThat(e.reason()).isEqualTo(OnnxModelException.Reason.MODEL_MISMATCH))
        .hasMessageContaining("input.name 'image'");
  }

  @Test
  void aManifestWithMoreSegmentsThanOutputClassesIsRefusedAtLoad() throws Exception {
    List<SegmentDescription> segments = new ArrayList<>(manifest.segments());
    SegmentDescription bone = segments.get(2);
    segments.add(new SegmentDescription(4, "Extra", bone.category(), bone.type(), null, bone.algorithmType(), bone.algorithmName(), null));
    ModelManifest wrong = new ModelManifest(manifest.id(), manifest.version(), manifest.modality(), manifest.runtime(), manifest.input(),
        manifest.outputName(), segments).validated();
    assertThatThrownBy(() -> OnnxSegmentationModel.load(modelBytes, wrong, 1))
        .isInstanceOfSatisfying(OnnxModelException.class, e -> assertThat(e.reason()).isEqualTo(OnnxModelException.Reason.MODEL_MISMATCH))
        .hasMessageContaining("[N, 5, H, W]");
  }

  @Test
  void manifestRulesNameTheField() {
    assertThatThrownBy(() -> ModelManifest.parse(manifestJson().replace("\"number\": 2", "\"number\": 7").getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(ModelManifestException.class, e -> assertThat(e.field()).isEqualTo("segments[1].number"));
    assertThatThrownBy(() -> ModelManifest.parse(manifestJson().replace("2.0}", "0}").getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(ModelManifestException.class, e -> assertThat(e.field()).isEqualTo("input.pixelSpacingMm"));
  }

  @Test
  void labelsComeBackOnTheImageGeometry() throws Exception {
    ImageVolume air = uniform(-1000);
    LabelVolume labels = model.segment(air, (d, t) -> true);
    assertThat(labels.geometry()).isEqualTo(air.geometry());
    assertThat(labels.labels()).containsOnly((byte) 0);
  }

  @Test
  void anInterruptedTaskStopsBetweenSlices() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> model.segment(uniform(40), (d, t) -> true))
          .isInstanceOfSatisfying(OnnxModelException.class, e -> assertThat(e.reason()).isEqualTo(OnnxModelException.Reason.INTERRUPTED));
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void aCancelledTaskStopsAfterTheSliceInHand() {
    AtomicInteger slices = new AtomicInteger();
    assertThatThrownBy(() -> model.segment(uniform(40), (d, t) -> slices.incrementAndGet() < 2))
        .isInstanceOfSatisfying(OnnxModelException.class, e -> assertThat(e.reason()).isEqualTo(OnnxModelException.Reason.INTERRUPTED))
        .hasMessageContaining("after slice 1 of 4");
    assertThat(slices.get()).isEqualTo(2);
  }

  /** 48x40x4 voxels of 3.1 x 2.7 x 5 mm, all at {@code hu}. */
  static ImageVolume uniform(int hu) {
    ImageGeometry g = new ImageGeometry(48, 40, 4, new double[] {3.1, 2.7, 5}, new double[] {0, 0, 0},
        new double[] {1, 0, 0}, new double[] {0, 1, 0}, new double[] {0, 0, 1});
    short[] v = new short[48 * 40 * 4];
    java.util.Arrays.fill(v, (short) hu);
    return new ImageVolume(g, v);
  }

  static String manifestJson() throws IOException {
    return Files.readString(MODEL_DIR.resolve("manifest.json"));
  }

}
