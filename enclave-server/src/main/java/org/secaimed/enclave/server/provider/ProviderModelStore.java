package org.secaimed.enclave.server.provider;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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
  /** Which licence is offered for each model id and version: {@code {"<id>@<version>": "<licence digest>"}}. */
  private static final String INDEX = "offered.json";
  private final Path dir;
  private final KemKeyPair kem;

  public ProviderModelStore(Path dir, KemKeyPair kem) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.kem = kem;
  }

  /**
   * Stores a provider's sealed bundle under its signed licence and makes that licence the one the
   * catalogue offers for its model id and version (a newer licence for the same model supersedes the
   * previous one, whose log entries stay). Returns the verified licence.
   */
  public synchronized UsageLicence publish(SignedLicence signed, byte[] sealedBundle) throws RequestRefusedException, IOException {
    UsageLicence licence = signed.verify();
    byte[] binding = Bindings.modelBundle(kem.publicKey().keyId(), licence.digest());
    if (!SealedArchive.headerNamesBinding(new ByteArrayInputStream(sealedBundle), binding)) {
      throw new RequestRefusedException(RequestRefusedException.Rule.LICENCE_MODEL_MISMATCH,
          "the bundle is not sealed to this enclave under licence " + licence.digest().substring(0, 16) + "…");
    }
    Path folder = Files.createDirectories(dir.resolve(licence.digest()));
    AtomicFiles.write(folder.resolve("bundle.sealed"), sealedBundle);
    AtomicFiles.write(folder.resolve("licence.json"), JSON.writeValueAsBytes(signed));
    Map<String, String> index = index();
    index.put(offerKey(licence.model().id(), licence.model().version()), licence.digest());
    AtomicFiles.write(dir.resolve(INDEX), JSON.writeValueAsBytes(index));
    return licence;
  }

  /** The licence offered for model {@code id} {@code version}, if a provider published one. */
  public synchronized Optional<UsageLicence> offered(String id, String version) throws RequestRefusedException, IOException {
    String digest = index().get(offerKey(id, version));
    return digest == null ? Optional.empty() : Optional.of(licence(digest));
  }

  /** Every offered licence (one per model id and version), in model order: the catalogue's provider entries. */
  public synchronized List<UsageLicence> offered() throws RequestRefusedException, IOException {
    List<UsageLicence> out = new ArrayList<>();
    for (String digest : new TreeMap<>(index()).values()) out.add(licence(digest));
    return out;
  }

  private Map<String, String> index() throws IOException {
    Path f = dir.resolve(INDEX);
    if (!Files.exists(f)) return new TreeMap<>();
    return new TreeMap<>(JSON.readValue(Files.readAllBytes(f), new TypeReference<Map<String, String>>() {}));
  }

  private static String offerKey(String id, String version) {
    return id + "@" + version;
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
