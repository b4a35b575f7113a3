package org.secaimed.enclave.server.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.secaimed.connector.gateway.Bindings;
import org.secaimed.connector.io.AtomicFiles;
import org.secaimed.connector.party.RequestRefusedException;
import org.secaimed.connector.provider.SignedLicence;
import org.secaimed.connector.provider.UsageLicence;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.seal.SealedArchive;
import org.secaimed.dicom.exchange.ModelBundle;
import org.secaimed.onnx.OnnxModelException;
import org.secaimed.onnx.OnnxSegmentationModel;

/**
 * Providers' sealed model bundles, each kept (still sealed) with its signed licence under the
 * licence's digest. Publishing verifies the licence and that the bundle's sealed header names the
 * binding {@code Bindings.modelBundle(kem, licence digest)}, without decrypting anything. A bundle
 * is unwrapped only for a {@link LicenceLedger.LoggedUse} of its licence, i.e. after the use entry
 * is in the log, and the plaintext lives only in memory (ONNX Runtime's session).
 */
public final class ProviderModelStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path dir;
  private final KemKeyPair kem;

  public ProviderModelStore(Path dir, KemKeyPair kem) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.kem = kem;
  }

  /** Stores a provider's sealed bundle under its signed licence; returns the verified licence. */
  public UsageLicence publish(SignedLicence signed, byte[] sealedBundle) throws RequestRefusedException, IOException {
    UsageLicence licence = signed.verify();
    byte[] binding = Bindings.modelBundle(kem.publicKey().keyId(), licence.digest());
    if (!SealedArchive.headerNamesBinding(new ByteArrayInputStream(sealedBundle), binding)) {
      throw new RequestRefusedException(RequestRefusedException.Rule.LICENCE_MODEL_MISMATCH,
          "the bundle is not sealed to this enclave under licence " + licence.digest().substring(0, 16) + "…");
    }
    Path folder = Files.createDirectories(dir.resolve(licence.digest()));
    AtomicFiles.write(folder.resolve("bundle.sealed"), sealedBundle);
    AtomicFiles.write(folder.resolve("licence.json"), JSON.writeValueAsBytes(signed));
    return licence;
  }

  /** The verified licence stored under {@code licenceDigest}. */
  public UsageLicence licence(String licenceDigest) throws RequestRefusedException, IOException {
    Path f = folder(licenceDigest).resolve("licence.json");
    if (!Files.exists(f)) throw new RequestRefusedException(RequestRefusedException.Rule.LICENCE_INVALID, "no model is published under licence " + licenceDigest);
    return JSON.readValue(Files.readAllBytes(f), SignedLicence.class).verify();
  }

  /**
   * Opens the bundle of {@code use}'s licence and loads its model; the model bytes must be the ones
   * the licence names. The caller closes the model when the task ends.
   */
  public OnnxSegmentationModel unwrap(LicenceLedger.LoggedUse use, int threads) throws IOException, OnnxModelException {
    String digest = use.allowed().licenceDigest();
    byte[] sealed = Files.readAllBytes(folder(digest).resolve("bundle.sealed"));
    byte[] plain = SealedArchive.open(sealed, kem, Bindings.modelBundle(kem.publicKey().keyId(), digest));
    try {
      ModelBundle bundle = ModelBundle.read(new ByteArrayInputStream(plain), use.allowed().modelDigest());
      return OnnxSegmentationModel.load(bundle.model(), bundle.manifest(), threads);
    } finally {
      java.util.Arrays.fill(plain, (byte) 0);
    }
  }

  private Path folder(String licenceDigest) {
    if (licenceDigest == null || !licenceDigest.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("a licence digest is 64 hex digits");
    return dir.resolve(licenceDigest);
  }
}
