package org.secaimed.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.dicom.exchange.ModelManifest;
import org.secaimed.dicom.volume.LabelVolume;

/**
 * The committed provider model (models/phantom-ct-cnn, trained by its train.py on Python-drawn
 * slices) segments Java-drawn CT phantoms with seeds, sizes and pixel spacings it never saw.
 * Lives in dev-tools, beside the phantom, under the runtime's package.
 */
class OnnxPhantomDiceTest {
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

  @ParameterizedTest(name = "seed {0}: {1}x{1}x{2}, {3} mm field of view, {4} HU noise")
  @CsvSource({"90001, 256, 10, 400, 12", "90002, 160, 12, 360, 20", "90003, 384, 6, 440, 8"})
  void segmentsUnseenPhantomsWithDiceAtLeast09PerSegment(long seed, int size, int slices, double fov, double noise) throws Exception {
    CtPhantom phantom = CtPhantom.builder().size(size, size, slices).fieldOfViewMm(fov)
        .noiseHu(noise).seed(seed).build();
    AtomicInteger done = new AtomicInteger();
    LabelVolume labels = model.segment(phantom.image(), (d, total) -> {
      done.set(d);
      return true;
    });

    assertThat(labels.geometry()).isEqualTo(phantom.geometry());
    assertThat(done.get()).isEqualTo(slices);
    LabelVolume truth = phantom.truth();
    for (int segment = 1; segment <= 3; segment++) {
      System.out.printf("seed %d segment %d Dice %.4f%n", seed, segment, dice(labels, truth, segment));
      assertThat(dice(labels, truth, segment)).as("Dice of segment %d", segment).isGreaterThanOrEqualTo(0.9);
    }
  }

  static double dice(LabelVolume a, LabelVolume b, int label) {
    long both = 0, na = 0, nb = 0;
    byte[] x = a.labels(), y = b.labels();
    for (int i = 0; i < x.length; i++) {
      boolean p = (x[i] & 0xFF) == label, q = (y[i] & 0xFF) == label;
      if (p) na++;
      if (q) nb++;
      if (p && q) both++;
    }
    return 2.0 * both / Math.max(1, na + nb);
  }
}
