package org.secaimed.dicom.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The plaintext of a provider's model bundle: exactly manifest then model, the model the licence names. */
class ModelBundleTest {
  static final Path MODEL_DIR = Path.of(System.getProperty("secaimed.repo.root", "..")).resolve("models/phantom-ct-cnn");

  static ModelBundle bundle() throws Exception {
    return new ModelBundle(ModelManifest.parse(Files.readAllBytes(MODEL_DIR.resolve("manifest.json"))), Files.readAllBytes(MODEL_DIR.resolve("model.onnx")));
  }

  static byte[] bytes(ModelBundle b) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    b.writeTo(out);
    return out.toByteArray();
  }

  @Test
  void roundTripsAndChecksTheLicensedDigest() throws Exception {
    ModelBundle b = bundle();
    byte[] tar = bytes(b);
    ModelBundle back = ModelBundle.read(new ByteArrayInputStream(tar), b.modelDigest());
    assertThat(back.model()).isEqualTo(b.model());
    assertThat(back.manifest().toJson()).isEqualTo(b.manifest().toJson());
    assertThatThrownBy(() -> ModelBundle.read(new ByteArrayInputStream(tar), "sha256:" + "0".repeat(64)))
        .isInstanceOfSatisfying(ModelManifestException.class, e -> assertThat(e.field()).isEqualTo("bundle.model.onnx"))
        .hasMessageContaining("not the licensed model's");
  }

  @Test
  void aTruncatedBundleNamesTheEntry() throws Exception {
    ModelBundle b = bundle();
    byte[] tar = bytes(b);
    byte[] cut = Arrays.copyOf(tar, 2048 + b.model().length / 2);
    assertThatThrownBy(() -> ModelBundle.read(new ByteArrayInputStream(cut), b.modelDigest()))
        .isInstanceOfSatisfying(ModelManifestException.class, e -> assertThat(e.field()).isEqualTo("bundle.model.onnx"));
  }
}
