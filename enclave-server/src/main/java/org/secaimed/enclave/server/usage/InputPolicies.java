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
 * signed upload completion ({@code policies/<blob hex>.json}), and the policy an owner declared
 * when it created an upload a task may read while it arrives ({@code policies/upl-<hex>.json}, no
 * commitment key: that names the finished blob and comes with the completion). Every read
 * re-verifies the owner's signature, so an edited file is refused rather than trusted.
 */
public final class InputPolicies {
  /** What is stored per blob. */
  public record Stored(SignedPolicy policy, String sealedCommitmentKey) {}

  /**
   * An input's verified policy. {@code blobId} is the task's input as named: a blob id, or an
   * upload id while it arrives (then {@code sealedCommitmentKey} is null).
   */
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

  /**
   * Verifies and stores the policy an owner declares for an upload it has just created, so that a
   * task may be admitted against the upload while it arrives. Declaring the same policy again is a
   * no-op; another one is refused (a declared policy never changes).
   */
  public Verified declare(String uploadId, String signer, SignedPolicy policy) throws IOException, RequestRefusedException {
    UsagePolicy p = policy.verify();
    if (!p.owner().equals(signer)) {
      throw new RequestRefusedException(RequestRefusedException.Rule.NOT_POLICY_OWNER, "upload " + uploadId + ": only the policy's owner may declare it");
    }
    Path f = file(uploadId);
    synchronized (this) {
      if (Files.exists(f)) {
        Verified existing = load(uploadId).orElseThrow();
        if (!existing.digest().equals(p.digest())) {
          throw new RequestRefusedException(RequestRefusedException.Rule.POLICY_INVALID,
              "upload " + uploadId + " was declared under another usage policy");
        }
        return existing;
      }
      state.writeJson(f, new Stored(policy, null));
    }
    return load(uploadId).orElseThrow();
  }

  public Optional<Verified> load(String blobId) throws IOException, RequestRefusedException {
    Path f = file(blobId);
    if (!Files.exists(f)) return Optional.empty();
    Stored s = state.readJson(f, Stored.class);
    UsagePolicy p = s.policy().verify();
    byte[] key = s.sealedCommitmentKey() == null ? null : Base64.getDecoder().decode(s.sealedCommitmentKey());
    return Optional.of(new Verified(blobId, p, p.digest(), key));
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

  private Path file(String inputId) {
    if (inputId != null && inputId.matches("upl-[0-9a-f]{32}")) return dir.resolve(inputId + ".json");
    if (inputId == null || !inputId.matches("sha256:[0-9a-f]{64}")) throw new IllegalArgumentException("blob id");
    return dir.resolve(inputId.substring(7) + ".json");
  }
}
