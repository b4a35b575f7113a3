package org.secaimed.enclave.server.usage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import org.secaimed.connector.gateway.Bindings;
import org.secaimed.connector.party.RequestRefusedException;
import org.secaimed.connector.party.SignedPolicy;
import org.secaimed.connector.party.UsagePolicy;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.seal.SealedArchive;
import org.secaimed.enclave.server.state.StateDir;

/**
 * The owner-signed usage policy and the sealed instance-commitment key that came with each blob's
 * signed upload completion ({@code policies/<blob hex>.json}). Every read re-verifies the owner's
 * signature, so an edited file is refused rather than trusted.
 */
public final class InputPolicies {
  /** What is stored per blob. */
  public record Stored(SignedPolicy policy, String sealedCommitmentKey) {}

  /** A blob's verified policy. */
  public record Verified(String blobId, UsagePolicy policy, String digest, byte[] sealedCommitmentKey) {}

  private final StateDir state;
  private final Path dir;

  public InputPolicies(StateDir state) throws IOException {
    this.state = state;
    this.dir = Files.createDirectories(state.root().resolve("policies"));
  }

  /** Verifies and stores what the owner sent with its completion; the signer must be the policy's owner. */
  public Verified accept(String blobId, String signer, SignedPolicy policy, byte[] sealedCommitmentKey) throws IOException, RequestRefusedException {
    if (policy == null) throw new RequestRefusedException(RequestRefusedException.Rule.POLICY_MISSING, "blob " + blobId + ": the completion carries no usage policy");
    UsagePolicy p = policy.verify();
    if (!p.owner().equals(signer)) {
      throw new RequestRefusedException(RequestRefusedException.Rule.NOT_POLICY_OWNER, "blob " + blobId + ": only the policy's owner may complete its upload");
    }
    if (sealedCommitmentKey == null || sealedCommitmentKey.length == 0 || sealedCommitmentKey.length > 8192) {
      throw new RequestRefusedException(RequestRefusedException.Rule.POLICY_INVALID, "blob " + blobId + ": the completion carries no sealed commitment key");
    }
    Path f = file(blobId);
    if (!Files.exists(f)) state.writeJson(f, new Stored(policy, Base64.getEncoder().encodeToString(sealedCommitmentKey)));
    return load(blobId).orElseThrow();
  }

  public Optional<Verified> load(String blobId) throws IOException, RequestRefusedException {
    Path f = file(blobId);
    if (!Files.exists(f)) return Optional.empty();
    Stored s = state.readJson(f, Stored.class);
    UsagePolicy p = s.policy().verify();
    return Optional.of(new Verified(blobId, p, p.digest(), Base64.getDecoder().decode(s.sealedCommitmentKey())));
  }

  /** The owner-signed policy exactly as stored with the blob (for provenance reports, which the site re-verifies). */
  public Optional<SignedPolicy> signed(String blobId) throws IOException {
    Path f = file(blobId);
    return Files.exists(f) ? Optional.of(state.readJson(f, Stored.class).policy()) : Optional.empty();
  }

  /** The policy (any blob's) with this digest, for revocation. */
  public Optional<UsagePolicy> byDigest(String digest) throws IOException {
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(x -> x.toString().endsWith(".json")).toList()) {
        try {
          UsagePolicy p = state.readJson(f, Stored.class).policy().verify();
          if (p.digest().equals(digest)) return Optional.of(p);
        } catch (RequestRefusedException e) {
          // an unreadable entry names no policy
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Refuses an input whose archive header does not name {@code Bindings.input(kem, digest)}: its
   * policy was stripped or swapped. Reads only the header: no key, nothing decrypted.
   */
  public static void requireBound(Path blob, String blobId, String kemKeyId, String policyDigest) throws IOException, RequestRefusedException {
    try (var in = Files.newInputStream(blob)) {
      if (!SealedArchive.headerNamesBinding(in, Bindings.input(kemKeyId, policyDigest))) {
        throw new RequestRefusedException(RequestRefusedException.Rule.POLICY_BINDING,
            "input " + blobId + ": the sealed archive is not bound to the usage policy stored with it");
      }
    }
  }

  /** Opens the owner's commitment key for this blob (only when the task runs, after its use was logged). */
  public static byte[] commitmentKey(Verified v, KemKeyPair enclaveKem) throws IOException {
    return SealedArchive.open(v.sealedCommitmentKey(), enclaveKem, Bindings.commitmentKey(v.blobId().substring("sha256:".length())));
  }

  private Path file(String blobId) {
    if (blobId == null || !blobId.matches("sha256:[0-9a-f]{64}")) throw new IllegalArgumentException("blob id");
    return dir.resolve(blobId.substring(7) + ".json");
  }
}
