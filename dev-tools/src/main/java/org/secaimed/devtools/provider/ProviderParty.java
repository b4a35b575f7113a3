package org.secaimed.devtools.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.UnaryOperator;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.gateway.AttestedEnclave;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.party.PartyKey;
import org.secaimed.connector.party.RequestRefusedException;
import org.secaimed.connector.provider.ProviderClient;
import org.secaimed.connector.provider.SignedLicence;
import org.secaimed.connector.provider.UsageLicence;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.tlog.LogProofException;
import org.secaimed.dicom.exchange.ModelBundle;
import org.secaimed.dicom.exchange.ModelManifest;
import org.secaimed.kaapana.provider.ProviderPackager;

/**
 * An algorithm provider for the demo and the tests, doing what {@code secaimed provider package}
 * and {@code publish} do: attest the enclave under the provider's own policy, sign a licence, seal
 * the phantom model (models/phantom-ct-cnn, on the class path) to the attested key and publish it.
 * The model's manifest version can be relabelled so that several licences for the same weights can
 * be offered side by side (one licence is offered per model id and version).
 */
public final class ProviderParty {
  /** Where dev-tools carries the phantom model (copied from models/phantom-ct-cnn at build time). */
  public static final String MODEL_RESOURCE = "models/phantom-ct-cnn/";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PartyKey key;
  private final AttestedEnclave enclave;
  private final ProviderClient client;
  private final Path workDir;

  private ProviderParty(PartyKey key, AttestedEnclave enclave, ProviderClient client, Path workDir) {
    this.key = key;
    this.enclave = enclave;
    this.client = client;
    this.workDir = workDir;
  }

  /**
   * The provider whose party key is derived from {@code providerKey} (a {@code secaimed keygen} key,
   * as the CLI derives it) attests the enclave at {@code baseUrl} under {@code policy}; packages go under {@code workDir}.
   */
  public static ProviderParty attest(String baseUrl, Policy policy, KemKeyPair providerKey, Path workDir) throws Exception {
    PartyKey key = PartyKey.derivedFrom(providerKey);
    AttestedEnclave enclave = GatewaySession.builder(baseUrl).policy(policy).build().attest();
    return new ProviderParty(key, enclave, new ProviderClient(baseUrl, key, enclave, Clock.systemUTC()), workDir);
  }

  public PartyKey key() {
    return key;
  }

  public ProviderClient client() {
    return client;
  }

  /** What a publication produced: the verified licence and the package folder (sealed bundle, signed licence). */
  public record Published(UsageLicence licence, Path packageFolder) {}

  /**
   * Packages the phantom model, labelled {@code version}, under the licence {@code terms} builds
   * (sites, kinds, runs, notAfter), and publishes it.
   */
  public Published publish(String version, UnaryOperator<UsageLicence.Builder> terms) throws IOException, RequestRefusedException {
    ModelBundle bundle = phantomModel(version);
    UsageLicence licence = terms.apply(UsageLicence.builder(key.id(),
        new UsageLicence.Model(bundle.manifest().id(), bundle.manifest().version(), bundle.modelDigest()))).build();
    SignedLicence signed = SignedLicence.sign(licence, key);
    Path folder = workDir.resolve("package-" + licence.digest().substring(0, 16));
    ProviderPackager.Packaged p = ProviderPackager.write(enclave, bundle, signed, folder);
    client.publish(signed, Files.readAllBytes(p.folder().resolve(ProviderPackager.SEALED)));
    return new Published(licence, folder);
  }

  /** The licence's uses from the enclave's log, verified (signatures, inclusion, numbering, consistency with {@code stored}). */
  public ProviderClient.Audited usage(String licenceDigest, String stored) throws IOException, LogProofException {
    return client.verifiedUsage(licenceDigest, stored);
  }

  /** The phantom model with its manifest's version set to {@code version}. */
  public static ModelBundle phantomModel(String version) throws IOException {
    ObjectNode manifest = (ObjectNode) JSON.readTree(resource(ModelBundle.MANIFEST));
    manifest.put("version", version);
    return new ModelBundle(ModelManifest.parse(JSON.writeValueAsBytes(manifest)), resource(ModelBundle.MODEL));
  }

  /** The phantom model's ONNX bytes (for tests that look for them where they must not be). */
  public static byte[] onnxBytes() throws IOException {
    return resource(ModelBundle.MODEL);
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = ProviderParty.class.getClassLoader().getResourceAsStream(MODEL_RESOURCE + name)) {
      if (in == null) throw new IOException("the phantom model " + MODEL_RESOURCE + name + " is not on the class path (dev-tools build)");
      return in.readAllBytes();
    }
  }
}
