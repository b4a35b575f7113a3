package org.secaimed.dicom.exchange;

import org.secaimed.connector.io.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A provider's model bundle as plaintext (what is sealed to the enclave): a POSIX tar of exactly
 * {@code manifest.json} then {@code model.onnx}. The enclave reads it only after the licence check,
 * and refuses a bundle whose model bytes are not the ones the licence names.
 */
public record ModelBundle(ModelManifest manifest, byte[] model) {
  public static final String MANIFEST = "manifest.json";
  public static final String MODEL = "model.onnx";
  /** ONNX protobufs are limited to 2 GiB; larger models use external data, which bundles do not carry yet. */
  public static final long MAX_MODEL_BYTES = Integer.MAX_VALUE - 8;
  private static final int MAX_MANIFEST_BYTES = 256 * 1024;

  public ModelBundle {
    java.util.Objects.requireNonNull(manifest, "manifest");
    java.util.Objects.requireNonNull(model, "model");
  }

  /** {@code sha256:<hex>} of the model bytes: what the catalogue, the licence and receipts name. */
  public String modelDigest() {
    return Digests.of(model);
  }

  public void writeTo(OutputStream out) throws IOException {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    put(tar, MANIFEST, manifest.toJson().toString().getBytes(StandardCharsets.UTF_8));
    put(tar, MODEL, model);
    tar.finish();
    out.flush();
  }

  private static void put(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(bytes.length);
    e.setModTime(0);
    tar.putArchiveEntry(e);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }

  /**
   * Reads a bundle and checks that its model is the one {@code expectedModelDigest} names (from
   * the verified licence). Errors name the entry or field; nothing is returned half-read.
   */
  public static ModelBundle read(InputStream in, String expectedModelDigest) throws IOException {
    TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name());
    byte[] manifestBytes = entry(tar, MANIFEST, MAX_MANIFEST_BYTES);
    ModelManifest manifest = ModelManifest.parse(manifestBytes);
    byte[] model = entry(tar, MODEL, MAX_MODEL_BYTES);
    if (tar.getNextEntry() != null) throw new ModelManifestException("bundle", "holds more than " + MANIFEST + " and " + MODEL);
    ModelBundle b = new ModelBundle(manifest, model);
    if (!b.modelDigest().equals(expectedModelDigest)) {
      throw new ModelManifestException("bundle." + MODEL, "its digest " + b.modelDigest() + " is not the licensed model's " + expectedModelDigest);
    }
    return b;
  }

  private static byte[] entry(TarArchiveInputStream tar, String name, long max) throws IOException {
    TarArchiveEntry e = tar.getNextEntry();
    if (e == null || !e.getName().equals(name) || !e.isFile()) {
      throw new ModelManifestException("bundle", "entry '" + name + "' expected" + (e == null ? ", the bundle ended" : ", found '" + e.getName() + "'"));
    }
    if (e.getSize() > max) throw new ModelManifestException("bundle." + name, "larger than " + max + " bytes");
    return TarEntries.readFully(tar, (int) e.getSize(), "bundle." + name, new TarEntries.Errors() {
      @Override
      public IOException malformed(String where, String message, Throwable cause) {
        return new ModelManifestException(where, message);
      }

      @Override
      public IOException truncated(String where, String message) {
        return new ModelManifestException(where, "truncated: " + message);
      }
    });
  }
}
