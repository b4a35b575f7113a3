package org.secaimed.connector.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Objects;
import org.secaimed.connector.gateway.generated.model.AlgorithmRef;
import org.secaimed.connector.gateway.generated.model.AttestationContext;
import org.secaimed.connector.gateway.generated.model.KemKey;
import org.secaimed.connector.gateway.generated.model.TaskRequest;
import org.secaimed.connector.io.Digests;
import org.secaimed.connector.seal.KemPublicKey;

/**
 * One task request exactly as it is (or was) sent, with its idempotency key: the spec, the
 * recipient, and the attestation context it is bound to. A site journals {@link #digest()} before
 * sending; after a crash it rebuilds the submission from its journal — with the attestation context
 * it recorded, not the new session's — checks the digest, and sends the same request again under
 * the same key, so the gateway answers with the task it already made instead of
 * {@code idempotency-conflict} (docs/pipeline.md, "The submit window").
 */
public final class TaskSubmission {
  private static final ObjectMapper CANONICAL = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private final TaskSpec spec;
  private final KemPublicKey recipient;
  private final String evidenceDigest;
  private final String policyDigest;
  private final String idempotencyKey;

  private TaskSubmission(TaskSpec spec, KemPublicKey recipient, String evidenceDigest, String policyDigest, String idempotencyKey) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.recipient = Objects.requireNonNull(recipient, "recipient");
    this.evidenceDigest = requireToken(evidenceDigest, "evidenceDigest");
    this.policyDigest = requireToken(policyDigest, "policyDigest");
    this.idempotencyKey = Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    if (idempotencyKey.length() < 8 || idempotencyKey.length() > 128) {
      throw new IllegalArgumentException("an idempotency key has 8..128 characters");
    }
  }

  /** A new submission bound to the attestation the site just accepted. */
  public static TaskSubmission of(AttestedEnclave enclave, TaskSpec spec, KemPublicKey recipient, String idempotencyKey) {
    return new TaskSubmission(spec, recipient, enclave.evidenceDigest(), enclave.policyDigest(), idempotencyKey);
  }

  /**
   * A submission rebuilt from the site's records: bound to the attestation ({@code evidenceDigest},
   * {@code policyDigest}) it was first sent under. Compare {@link #digest()} with the recorded one.
   */
  public static TaskSubmission recorded(TaskSpec spec, KemPublicKey recipient, String evidenceDigest, String policyDigest,
      String idempotencyKey) {
    return new TaskSubmission(spec, recipient, evidenceDigest, policyDigest, idempotencyKey);
  }

  /** The wire request; {@code withPurpose} for protocol v2 sessions. */
  TaskRequest toRequest(boolean withPurpose) {
    TaskRequest req = new TaskRequest()
        .kind(TaskRequest.KindEnum.fromValue(spec.kind()))
        .algorithm(new AlgorithmRef().id(spec.algorithm().id()).version(spec.algorithm().version()).digest(spec.algorithm().digest()))
        .inputs(spec.inputBlobIds())
        .parameters(spec.parameters())
        .recipient(new KemKey().suite(recipient.suite().label()).publicKey(recipient.encoded()))
        .attestation(new AttestationContext().evidenceDigest(evidenceDigest).policyDigest(policyDigest));
    return withPurpose ? req.purpose(spec.purpose()) : req;
  }

  /** SHA-256 (hex) of the request's canonical JSON (map keys sorted, purpose included): equal digests, equal requests. */
  public String digest() {
    try {
      return Digests.sha256Hex(CANONICAL.writeValueAsBytes(toRequest(true)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a task request always serialises", e);
    }
  }

  public TaskSpec spec() {
    return spec;
  }

  public String idempotencyKey() {
    return idempotencyKey;
  }

  public String evidenceDigest() {
    return evidenceDigest;
  }

  public String policyDigest() {
    return policyDigest;
  }

  public KemPublicKey recipient() {
    return recipient;
  }

  private static String requireToken(String v, String name) {
    if (v == null || v.isEmpty()) throw new IllegalArgumentException(name + " is required");
    return v;
  }
}
