package org.secaimed.kaapana.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import org.secaimed.connector.gateway.AttestedEnclave;
import org.secaimed.connector.gateway.Bindings;
import org.secaimed.connector.io.AtomicFiles;
import org.secaimed.connector.party.RequestRefusedException;
import org.secaimed.connector.provider.SignedLicence;
import org.secaimed.connector.provider.UsageLicence;
import org.secaimed.connector.seal.SealedArchive;
import org.secaimed.connector.seal.SealingOutputStream;
import org.secaimed.dicom.exchange.ModelBundle;
import org.secaimed.connector.io.Digests;

/**
 * Seals a provider's model bundle to an enclave the provider has attested under its own policy
 * ({@code GatewaySession.attest()}), bound to the digest of the signed usage licence that travels
 * beside it. Writes three files into the output folder, each complete or not at all:
 * <ul>
 *   <li>{@code bundle.sealed} — the sealed tar of manifest and ONNX model (the plaintext never touches disk);
 *   <li>{@code licence.json} — the provider-signed licence ({@link SignedLicence});
 *   <li>{@code bundle.json} — what was packaged: model id, version, digest, licence digest,
 *       provider id, the enclave's KEM key id and measurement, the sealed file's SHA-256 and size.
 * </ul>
 */
public final class ProviderPackager {
  public static final String SEALED = "bundle.sealed", LICENCE = "licence.json", DESCRIPTION = "bundle.json";
  public static final String FORMAT = "secaimed-model-bundle-v1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ProviderPackager() {}

  /** What {@link #write} produced. */
  public record Packaged(Path folder, String modelDigest, String licenceDigest, String kemKeyId, String sealedSha256, long sealedBytes) {}

  /**
   * Checks that the licence is signed by its provider and names exactly this model (id, version,
   * digest of the ONNX bytes), then seals. Fails before writing anything if not.
   */
  public static Packaged write(AttestedEnclave enclave, ModelBundle bundle, SignedLicence signed, Path folder)
      throws IOException, RequestRefusedException {
    UsageLicence licence = signed.verify();
    UsageLicence.Model m = licence.model();
    if (!m.id().equals(bundle.manifest().id()) || !m.version().equals(bundle.manifest().version()) || !m.digest().equals(bundle.modelDigest())) {
      throw new RequestRefusedException(RequestRefusedException.Rule.LICENCE_MODEL_MISMATCH, "the licence names model " + m.id() + " " + m.version()
          + " " + m.digest() + ", the bundle holds " + bundle.manifest().id() + " " + bundle.manifest().version() + " " + bundle.modelDigest());
    }
    String kemKeyId = enclave.kemKey().keyId();
    byte[] binding = Bindings.modelBundle(kemKeyId, licence.digest());
    Files.createDirectories(folder);
    MessageDigest sha = Digests.sha256();
    long[] size = {0};
    AtomicFiles.write(folder.resolve(SEALED), tmp -> {
      try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20);
           DigestOutputStream digesting = new DigestOutputStream(file, sha) {
             @Override
             public void write(byte[] b, int off, int len) throws IOException {
               super.write(b, off, len);
               size[0] += len;
             }

             @Override
             public void write(int b) throws IOException {
               super.write(b);
               size[0]++;
             }
           };
           SealingOutputStream sealing = SealedArchive.newSealingStream(digesting, enclave.kemKey(), binding)) {
        bundle.writeTo(sealing);
      }
    });
    String sealedSha = Digests.hex(sha);
    ObjectNode s = JSON.createObjectNode();
    s.put("licence", signed.licence());
    s.put("providerKey", signed.providerKey());
    s.put("signature", signed.signature());
    AtomicFiles.write(folder.resolve(LICENCE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(s));
    ObjectNode d = JSON.createObjectNode();
    d.put("format", FORMAT);
    d.putObject("model").put("id", m.id()).put("version", m.version()).put("digest", m.digest());
    d.put("licenceDigest", licence.digest());
    d.put("provider", licence.provider());
    ObjectNode e = d.putObject("enclave");
    e.put("kemKeyId", kemKeyId);
    e.put("measurement", enclave.measurement().orElse(null));
    e.put("insecure", enclave.insecure());
    d.putObject("sealed").put("file", SEALED).put("sha256", sealedSha).put("bytes", size[0]);
    AtomicFiles.write(folder.resolve(DESCRIPTION), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(d));
    return new Packaged(folder, m.digest(), licence.digest(), kemKeyId, sealedSha, size[0]);
  }

  /** Reads {@code licence.json} back. */
  public static SignedLicence readLicence(Path folder) throws IOException {
    var n = JSON.readTree(Files.readAllBytes(folder.resolve(LICENCE)));
    return new SignedLicence(n.path("licence").asText(null), n.path("providerKey").asText(null), n.path("signature").asText(null));
  }
}
